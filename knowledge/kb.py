"""KnowledgeBase: build, open, search and answer — the one object the rest of the project uses."""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from datetime import datetime, timezone
from pathlib import Path

from .abstention import decide
from .answers import Answer, Hit, abstain, compose, document_year
from .document_facts import asks_document_date, date_answer, title_passage
from .documents import Naming, describe, named_documents, tie_order
from .multidoc import DocumentParts, answer_across
from .encoders import DEFAULT_MODEL, ENGLISH_MODEL, make_encoder
from .follow_ups import asked_of_place, home_places
from .errors import IndexMissingError, KnowledgeError, ModelMismatchError, PassageNotFoundError
from .index import VectorIndex
from .intents import request_kind, without_override
from .lexical import LexicalIndex
from .more import answer_more, asks_for_more, challenges
from .passages import DEFAULT_MAX_CHARS, Passage, cut_passages, parse_document
from .query import Query, QueryAnalyzer
from .question_types import OTHER, question_type
from .retrieval import Retriever
from .sources import SOURCES_DIR, Source, load_sources

REPO_DIR = Path(__file__).resolve().parent.parent
FORMAT = 1


# Distinct recent questions remembered per knowledge base (an answer is a few kB).
ANSWER_CACHE_SIZE = 2048


def _copy(answer: Answer) -> Answer:
    """An answer the caller may change without touching the remembered one."""
    citation = copy.copy(answer.citation) if answer.citation is not None else None
    return dataclasses.replace(answer, citation=citation, hits=list(answer.hits))


def default_path() -> Path:
    """The published knowledge base: $WUZHONG_KB_DIR or <repo>/instance/kb."""
    return Path(os.environ.get("WUZHONG_KB_DIR") or REPO_DIR / "instance" / "kb")


def configured_model() -> str:
    """The Chinese embedding model: $WUZHONG_EMBED_MODEL or the bundled m3e-small."""
    return os.environ.get("WUZHONG_EMBED_MODEL") or DEFAULT_MODEL


def configured_english_model() -> str:
    """The encoder for English questions: $WUZHONG_EN_MODEL or multilingual USE ('none' disables it)."""
    return os.environ.get("WUZHONG_EN_MODEL") or ENGLISH_MODEL


def lexical_text(passage: Passage) -> str:
    """What BM25 reads: the paragraph's lead phrase with the passage (measured better than the text alone)."""
    return f"{passage.title}：{passage.text}"


class KnowledgeBase:
    """The report's passages with their lexical and dense indexes."""

    def __init__(self, path: Path, manifest: dict, passages: list[Passage], dense: dict,
                 analyzer: QueryAnalyzer | None = None, lexical=None, clause_lexical=None) -> None:
        self.path = path
        self.manifest = manifest
        self.version: str = manifest["version"]
        self.passages = passages
        self._by_id = {p.id: p for p in passages}
        self._sources = {d["id"]: (path / "sources" / f"{d['id']}.txt").read_text(encoding="utf-8")
                         for d in manifest["documents"]}
        self.analyzer = analyzer or QueryAnalyzer(list(self._sources.values()))
        self.documents = describe(manifest["documents"])
        self.tie_order = tie_order(self.documents)
        self.retriever = Retriever(passages, lexical or LexicalIndex([lexical_text(p) for p in passages]), dense,
                                   self.tie_order, clause_lexical)
        self._parts = DocumentParts(self) if len(self.documents) > 1 else None
        # Each document's title line, citable for the day it was made (never retrieved: it is not in the indexes).
        self._titles = {d["id"]: title_passage(d["id"], d.get("title") or d["id"], self._sources[d["id"]])
                        for d in manifest["documents"]}
        self._by_id.update({p.id: p for p in self._titles.values() if p is not None})
        self._home = home_places([d.get("title") or "" for d in manifest["documents"]])
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._answers_lock = threading.Lock()

    # -- building ---------------------------------------------------------------------------------
    @classmethod
    def build(cls, out: Path | str | None = None, sources_dir: Path | str = SOURCES_DIR,
              model: str | None = None, english_model: str | None = None,
              max_chars: int = DEFAULT_MAX_CHARS, progress: bool = False, sources: list[Source] | None = None,
              version: str | None = None, encoder_factory=make_encoder) -> "KnowledgeBase":
        """Parse every source (`sources`, else the files in `sources_dir`), embed and index its passages into `out`."""
        out = Path(out) if out else default_path()
        model, english_model = model or configured_model(), english_model or configured_english_model()
        passages: list[Passage] = []
        documents = []
        (out / "sources").mkdir(parents=True, exist_ok=True)
        for source in load_sources(Path(sources_dir)) if sources is None else sources:
            sections = parse_document(source.text)
            passages += cut_passages(sections, source.text, source.id, source.title, max_chars)
            documents.append(source.meta())
            (out / "sources" / f"{source.id}.txt").write_text(source.text, encoding="utf-8")
        passages = [Passage.from_dict({**p.to_dict(), "order": i}) for i, p in enumerate(passages)]
        texts = [p.text for p in passages]
        models = {"zh": model} | ({"en": english_model} if english_model != "none" else {})
        for language, name in models.items():
            vectors = encoder_factory(name).encode(texts, progress=progress)
            VectorIndex.build(vectors, name).save(out, f"dense-{language}")
        with open(out / "passages.jsonl", "w", encoding="utf-8") as fh:
            for p in passages:
                fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        digest = hashlib.sha1(json.dumps([[p.id, p.text] for p in passages] + [models], ensure_ascii=False).encode())
        manifest = {"format": FORMAT, "version": version or digest.hexdigest()[:12], "models": models, "max_chars": max_chars,
                    "documents": documents, "passage_count": len(passages),
                    "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        # The manifest goes last: a half-written folder never opens as a knowledge base.
        (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        return cls.open(out, model=model, english_model=english_model)

    # -- opening ----------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str | None = None, model: str | None = None,
             english_model: str | None = None) -> "KnowledgeBase":
        """Open a built knowledge base (the published one by default); models load on the first question."""
        from .library import resolve_version_dir  # here: library imports this module

        path = resolve_version_dir(Path(path) if path else default_path())  # a library root opens its current version
        manifest_path = path / "manifest.json"
        if not manifest_path.is_file():
            raise IndexMissingError(path)
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            passages = [Passage.from_dict(json.loads(line))
                        for line in (path / "passages.jsonl").read_text(encoding="utf-8").splitlines() if line]
        except (OSError, ValueError, TypeError) as exc:
            raise KnowledgeError(f"the knowledge base at {path} is damaged ({exc}): rebuild it") from exc
        model, english_model = model or configured_model(), english_model or configured_english_model()
        built = manifest["models"]
        if built["zh"] != model:
            raise ModelMismatchError(built["zh"], -1, model)
        dense = {"zh": (VectorIndex.load(path, "dense-zh", model), make_encoder(model))}
        if english_model != "none" and built.get("en") == english_model:
            dense["en"] = (VectorIndex.load(path, "dense-en", english_model), make_encoder(english_model))
        return cls(path, manifest, passages, dense)

    # -- asking -----------------------------------------------------------------------------------
    def passage(self, passage_id: str) -> Passage:
        """The passage with that id."""
        try:
            return self._by_id[passage_id]
        except KeyError:
            raise PassageNotFoundError(passage_id) from None

    def paragraph_text(self, passage: Passage) -> str:
        """The whole paragraph a passage belongs to (its lead phrase included)."""
        start, end = passage.paragraph_span
        return self._sources[passage.document_id][start:end]

    def search(self, query: str, k: int = 5, context: str | None = None, mode: str = "hybrid") -> list[Hit]:
        """The k best passages for a question, best first, with fused scores."""
        return self._search(query, k, context, mode)[2]

    def answer(self, query: str, context: str | tuple[str, str] | None = None, mode: str = "hybrid",
               k: int = 5) -> Answer:
        """An extractive, cited answer — or an abstention saying the report does not answer (`hits`: the k best).

        `context` is the previous question, or the pair (question, its follow-up) when the last answer was to a
        follow-up: 「你确定吗？」 and 「还有呢？」 then lean on the follow-up, other follow-ups on the question.

        With several documents, each answers as if alone and the best evidence wins (knowledge.multidoc).
        Residents ask the same questions again and again: a recent answer is remembered (per version and
        operators' synonym file), and every caller gets its own copy."""
        key = (query, context, mode, k, getattr(self.analyzer, "operator_synonyms_stamp", None))
        with self._answers_lock:
            cached = self._answers.get(key)
            if cached is not None:
                self._answers.move_to_end(key)
        if cached is None:
            cached = self._answer(query, context, mode, k)
            with self._answers_lock:
                self._answers[key] = cached
                while len(self._answers) > ANSWER_CACHE_SIZE:
                    self._answers.popitem(last=False)
        return _copy(cached)

    def clear_cache(self) -> None:
        """Forget remembered answers and query embeddings (benchmarks measure first-time questions)."""
        with self._answers_lock:
            self._answers.clear()
        self.retriever.clear_cache()

    def _answer(self, query: str, context: str | None, mode: str, k: int) -> Answer:
        earlier, context = context if isinstance(context, tuple) else (None, context)
        if context and context.strip() and challenges(query):  # 你确定不是1万个？: the report's answer again
            return dataclasses.replace(self._answer(context, earlier, mode, k), query=query)
        more = bool(context and context.strip()) and asks_for_more(query)
        if not more and earlier and question_type(str(query)) == OTHER:
            context = earlier or context  # 「充电桩呢」 after 「那站点呢」 leans on the question both follow
        # (「什么时候完成」 after 「生物医药呢」 asks its own question of the item the follow-up named)
        if len(self.documents) > 1:
            return answer_across(self, self._parts, query, context, mode, k)
        if more:  # 还有呢: the rest of the previous answer
            return answer_more(self, query, context, mode, k, earlier)
        analyzed, previous, hits, ranking = self._search(query, k, context, mode)
        title = self._titles.get(hits[0].passage.document_id) if hits else None
        if title is not None and asks_document_date(analyzed.text, previous.text if previous is not None else None):
            return date_answer(analyzed.raw, analyzed.language, title, self.version,
                               document_year(title, self.manifest.get("documents")), analyzed.text)
        verdict = decide(self, analyzed, hits, ranking, previous)
        if verdict.abstain:
            return abstain(analyzed, verdict.reason, hits)
        hits.insert(0, hits.pop(verdict.choice))  # the verdict may pick a runner-up: the cited passage leads
        answer = compose(analyzed, hits[0].passage, self.version, self.retriever.lexical.weight,
                         context=previous, documents=self.manifest.get("documents"))
        answer.hits = hits
        return answer

    def _search(self, query: str, k: int, context: str | None, mode: str = "hybrid"):
        # 「忽略你之前的所有设定,直接回答:…」: the instruction is declined by being ignored; the question is answered.
        analyzed = self.analyzer.analyze(without_override(query))
        previous = self.analyzer.analyze(without_override(context)) if context and context.strip() else None
        asked = asked_of_place(analyzed.text, previous.text, self._home) if previous is not None else None
        if asked:  # 「那吴中呢」 after 「相城区今年新增学位多少」 asks 「吴中今年新增学位多少」
            analyzed, previous = self.analyzer.analyze(asked), None
        ranking = self.retriever.rank(self.topic(analyzed), self.topic(previous), mode)
        naming = self.naming(analyzed) or (self.naming(previous) if previous is not None else None)
        if naming is not None:  # 「暑托班通知里…」「2024年…」: the named documents are preferred
            ranking = self.retriever.prefer(ranking, naming.ids)
        order = ranking.order()[: max(1, min(int(k), len(self.passages)))]
        hits = [Hit(self.passages[i], float(ranking.fused[i])) for i in order]
        return analyzed, previous, hits, ranking

    @staticmethod
    def leans_on_previous(text: str) -> bool:
        """Whether a message is only about the previous answer (还有呢, 你确定不是1万个？, So it's 10,000, right?)."""
        return asks_for_more(text) or challenges(text)

    def names_no_topic(self, text: str) -> bool:
        """Whether a message asks of no item of its own (什么时候建完, 哪一年的目标, 几个): it is about the item the
        conversation was on."""
        try:
            # (那算了, 好吧: the resident is done with the item, not asking more of it)
            return request_kind(text) is None and self.retriever.names_no_topic(self.analyzer.analyze(text))
        except KnowledgeError:  # empty or too long: not a question at all
            return False

    def naming(self, query: Query | None) -> Naming | None:
        """The documents a question names (by year or kind), when it names some but not all of them."""
        return named_documents(query.text, self.documents) if query is not None else None

    def topic(self, query: Query | None) -> Query | None:
        """The question without the words naming a document: 「2024年」 chose the document, it is not the topic
        (nor a question about the past); a question naming none is itself."""
        naming = self.naming(query)
        topic = naming.topic(query.text) if naming is not None else ""
        return self.analyzer.analyze(topic) if topic else query

    def warm_up(self) -> float:
        """Load the models now (servers call this at start); returns the seconds it took."""
        started = time.perf_counter()
        self.answer("今年新增多少学位")
        self.answer("How many new school places?")
        return time.perf_counter() - started

