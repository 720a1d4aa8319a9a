"""The `/api/search` body — the knowledge CLI's contract — plus what the staff console adds (no Flask)."""
from __future__ import annotations

from typing import Any

from .highlight import figure_spans, term_spans

REPORT_NAME = "2025年吴中区政府工作报告"


def search_payload(kb: Any, query: str, k: int = 5, section_no: int | None = None) -> dict[str, Any]:
    """The knowledge CLI's record `{"query", "results", "answer"}`, optionally limited to one section."""
    from knowledge.cli import search_record

    record = search_record(kb, query, k)
    if section_no is None:
        return record
    hits = [hit for hit in kb.search(query, k=len(kb.passages)) if hit.passage.section_no == section_no][:k]
    answer = record["answer"]
    if answer and _section_of(kb, answer) != section_no:
        answer = None
    return {"query": record["query"], "results": [hit.to_dict() for hit in hits], "answer": answer}


def _section_of(kb: Any, answer: dict[str, Any]) -> int | None:
    return kb.passage(answer["citation"]["passage_id"]).section_no


def section_label(kb: Any, passage_id: str) -> str:
    """`第七部分` for numbered sections, else the section's own name (总体要求, 结束语 …)."""
    from knowledge.answers import part_name_zh

    return part_name_zh(kb.passage(passage_id))


def phone_script(quote: str, part: str, title: str) -> str:
    """What hotline staff read to the caller: the report's own words, then where they come from."""
    basis = "·".join(p for p in (REPORT_NAME, part, title) if p)
    return f"{quote.strip()}\n依据：{basis}"


def staff_payload(kb: Any, query: str, k: int = 8, section_no: int | None = None) -> dict[str, Any]:
    """The search payload with highlight spans and the phone script the console's copy button uses."""
    payload = search_payload(kb, query, k=k, section_no=section_no)
    for result in payload["results"]:
        result["highlights"] = term_spans(query, result["text"])
    answer = payload["answer"]
    if answer:
        citation = answer["citation"]
        part = section_label(kb, citation["passage_id"])
        answer["section_label"] = part
        answer["script"] = phone_script(citation["quote"], part, citation["title"])
        answer["quote_highlights"] = figure_spans(citation["quote"])
    return payload


def sections(kb: Any) -> list[dict[str, Any]]:
    """The report's numbered sections, in order, for the console's section filter."""
    seen: dict[int, str] = {}
    for passage in kb.passages:
        if passage.section_no is not None and passage.section_no not in seen:
            seen[passage.section_no] = passage.section
    return [{"no": no, "label": name} for no, name in sorted(seen.items())]
