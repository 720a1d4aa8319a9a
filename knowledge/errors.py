"""One exception family for the knowledge layer; messages residents may see are in Chinese."""
from __future__ import annotations

MAX_QUERY_CHARS = 500


class KnowledgeError(Exception):
    """Base class of every error the knowledge layer raises."""


class EmptyQueryError(KnowledgeError, ValueError):
    """The question is empty or only whitespace/punctuation."""

    def __init__(self) -> None:
        super().__init__("问题不能为空，请输入您想了解的内容。")


class QueryTooLongError(KnowledgeError, ValueError):
    """The question is longer than the knowledge layer accepts."""

    def __init__(self, length: int, limit: int = MAX_QUERY_CHARS) -> None:
        self.length, self.limit = length, limit
        super().__init__(f"问题太长（{length}字），请精简到{limit}字以内再问。")


class IndexMissingError(KnowledgeError, FileNotFoundError):
    """No built knowledge base at the given folder."""

    def __init__(self, path: object) -> None:
        self.path = path
        super().__init__(
            f"no knowledge base at {path}: build it with `python -m knowledge build --out {path}`"
        )


class ModelMismatchError(KnowledgeError):
    """The index was built with another embedding model than the one configured."""

    def __init__(self, index_model: str, index_dim: int, model: str, dim: int | None = None) -> None:
        self.index_model, self.model = index_model, model
        got = f"{model} ({dim}-dim)" if dim else model
        super().__init__(
            f"the index was built with {index_model} ({index_dim}-dim) but the configured model is "
            f"{got}: rebuild with `python -m knowledge build`"
        )


class PassageNotFoundError(KnowledgeError, KeyError):
    """No passage has that id."""

    def __init__(self, passage_id: str) -> None:
        self.passage_id = passage_id
        super().__init__(f"no passage with id {passage_id!r}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class SourceError(KnowledgeError):
    """A source document or its metadata cannot be parsed."""


class DocumentFormatError(SourceError, ValueError):
    """An uploaded document is empty, too large, of the wrong type, corrupt or without recognisable structure."""


class PublishInProgressError(KnowledgeError):
    """Another build or publish holds the library lock."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or "另一位审核人正在发布知识库，请稍后再试；已发布的内容没有改变。")


class VersionNotFoundError(KnowledgeError, KeyError):
    """No complete knowledge base version with that id in the library."""

    def __init__(self, kb_version: str) -> None:
        self.kb_version = kb_version
        super().__init__(f"知识库版本 {kb_version} 不存在或不完整")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]
