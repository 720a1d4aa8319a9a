"""The retrieval layer: the 2025 Wuzhong government work report as citable passages, hybrid search, cited answers.

    from knowledge import KnowledgeBase
    kb = KnowledgeBase.open()            # the published knowledge base; models load on first use
    kb.search("公交线路新增几条", k=5)     # ranked hits with scores
    kb.answer("那站点呢？", context="公交线路今年新增几条？")   # cited answer, or an abstention

Nothing heavy is imported here: torch, faiss, jieba and the models load when first needed.
"""
from .errors import (
    DocumentFormatError,
    EmptyQueryError,
    IndexMissingError,
    KnowledgeError,
    ModelMismatchError,
    PassageNotFoundError,
    PublishInProgressError,
    QueryTooLongError,
    SourceError,
    VersionNotFoundError,
)

__all__ = [
    "KnowledgeBase", "Answer", "Citation", "Hit", "Passage", "detect_language",
    "KnowledgeError", "EmptyQueryError", "QueryTooLongError", "IndexMissingError",
    "ModelMismatchError", "PassageNotFoundError", "SourceError",
    "Library", "LiveKnowledgeBase", "FoundPassage", "Source", "read_document", "diff_passages", "apply_passage_edits",
    "DocumentFormatError", "PublishInProgressError", "VersionNotFoundError",
    "CuratedEntry", "CuratedMatch", "CuratedMatcher", "curated_answer", "dead_citations", "check_citation",
    "group_questions", "QuestionGroup", "topic_of", "add_synonym", "operator_synonyms_path", "SynonymError",
    "refresh_synonyms", "is_question", "message_language",
]
# Versions library, live follower, uploads and draft diffs: name -> module (imported on first use).
_LAZY = {"Library": "library", "LiveKnowledgeBase": "live", "FoundPassage": "live", "Source": "sources",
         "read_document": "formats", "diff_passages": "diff", "apply_passage_edits": "edits",
         # Curated answers (operators' official answers matched to residents' phrasings).
         **dict.fromkeys(("CuratedEntry", "CuratedMatch", "CuratedMatcher", "curated_answer", "dead_citations",
                          "check_citation"), "curated"),
         # Operators' gaps page: group unanswered questions and name their topic; add a synonym.
         **dict.fromkeys(("group_questions", "QuestionGroup", "topic_of"), "grouping"),
         **dict.fromkeys(("add_synonym", "operator_synonyms_path", "SynonymError", "refresh_synonyms"),
                         "operator_synonyms"),
         "is_question": "question_types", "message_language": "language"}


def __getattr__(name: str):
    # Lazy exports keep `import knowledge` cheap for the Rasa action server and the web app.
    if name == "KnowledgeBase":
        from .kb import KnowledgeBase

        return KnowledgeBase
    if name in ("Answer", "Citation", "Hit"):
        from . import answers

        return getattr(answers, name)
    if name == "Passage":
        from .passages import Passage

        return Passage
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    if name == "detect_language":
        from .language import detect_language

        return detect_language
    raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
