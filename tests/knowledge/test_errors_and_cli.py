"""Bad input, missing or mismatched indexes, and the CLI's JSON contract."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import (EmptyQueryError, IndexMissingError, KnowledgeBase, ModelMismatchError,
                       PassageNotFoundError, QueryTooLongError)

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("query", ["", "   ", "\n\t", None])
def test_empty_query(kb, query):
    with pytest.raises(EmptyQueryError, match="不能为空"):
        kb.answer(query)


@pytest.mark.parametrize("query", ["？？！", "😂😂", "..."])
def test_punctuation_or_emoji_is_an_unclear_answer_not_an_error(kb, query):
    answer = kb.answer(query)
    assert answer.abstained and answer.reason == "unclear"


def test_too_long_query(kb):
    with pytest.raises(QueryTooLongError, match="500"):
        kb.search("学位" * 5000)


def test_missing_index(tmp_path):
    with pytest.raises(IndexMissingError, match="knowledge build"):
        KnowledgeBase.open(tmp_path / "nowhere")


def test_model_mismatch(kb_dir, tmp_path):
    with pytest.raises(ModelMismatchError, match="m3e-small"):
        KnowledgeBase.open(kb_dir, model="some-other-model")
    copy = tmp_path / "kb"
    shutil.copytree(kb_dir, copy)
    meta = json.loads((copy / "dense-zh.json").read_text())
    (copy / "dense-zh.json").write_text(json.dumps({**meta, "model": "text2vec-base"}))
    with pytest.raises(ModelMismatchError, match="text2vec-base"):
        KnowledgeBase.open(copy)


def test_unknown_passage(kb):
    with pytest.raises(PassageNotFoundError):
        kb.passage("nope")
    assert kb.passage(kb.passages[0].id) == kb.passages[0]


def run_cli(kb_dir, *args, stdin=None):
    env = {**os.environ, "WUZHONG_KB_DIR": str(kb_dir)}
    return subprocess.run([sys.executable, "-m", "knowledge", *args], input=stdin, capture_output=True,
                          text=True, cwd=REPO, env=env, timeout=300)


def test_cli_json_batch_from_stdin(kb_dir):
    lines = ["今年新增多少学位", "", "明天天气怎么样", "那站点呢"]
    done = run_cli(kb_dir, "search", "--json", "-k", "3", stdin="\n".join(lines) + "\n")
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["query"] for r in records] == lines  # exactly one object per input line
    first = records[0]
    assert set(first) >= {"query", "results", "answer"} and len(first["results"]) == 3
    assert set(first["results"][0]) >= {"passage_id", "document", "section", "title", "text", "score"}
    assert set(first["answer"]["citation"]) >= {"passage_id", "document", "section", "title", "quote", "text"}
    assert "7530" in first["answer"]["text"]
    assert "不能为空" in records[1]["error"]
    assert records[2]["answer"] is None


def test_cli_eval_prints_baselines(kb_dir, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"question": "今年新增多少学位", "gold": ["新增学位7530个"]},
        {"question": "明天天气怎么样", "gold": []}]), encoding="utf-8")
    done = run_cli(kb_dir, "eval", str(questions))
    assert done.returncode == 0, done.stderr
    for label in ("full system", "BM25 only", "dense only", "recall@1", "false_abstention"):
        assert label in done.stdout


def test_cli_missing_index_is_a_clear_error(tmp_path):
    done = run_cli(tmp_path / "none", "search", "学位")
    assert done.returncode == 2 and "knowledge build" in done.stderr and "Traceback" not in done.stderr
