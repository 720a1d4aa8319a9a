"""Place-only follow-ups (knowledge.follow_ups) on their own."""
from knowledge.follow_ups import asked_of_place, home_places

HOME = home_places(["苏州市吴中区人民政府工作报告"])


def test_the_home_place_is_read_from_the_title():
    assert HOME == {"吴中", "吴中区"}


def test_a_place_only_follow_up_replaces_the_previous_questions_place():
    assert asked_of_place("那吴中呢", "相城区今年新增学位多少", HOME) == "吴中今年新增学位多少"
    assert asked_of_place("吴中的呢？", "姑苏区游客目标多少", HOME) == "吴中游客目标多少"
    # a district jieba does not tag as a place, known to the abstention rules as elsewhere
    assert asked_of_place("那吴中呢", "工业园区今年新增多少学位", HOME) == "吴中今年新增多少学位"


def test_other_follow_ups_are_left_alone():
    assert asked_of_place("那站点呢", "相城区公交站点新增多少", HOME) is None  # 站点 is no place
    assert asked_of_place("那吴中呢", "今年新增学位多少", HOME) is None  # nothing to replace
    # jieba tags roads and bridges as places: a road asked after another is a new topic, not a place to ask about
    assert asked_of_place("胜浦大桥呢?", "长江路南延今年能贯通吗?", HOME) is None
    assert asked_of_place("吴中大道呢?", "东方大道快速化改造要花多少钱?", HOME) is None
