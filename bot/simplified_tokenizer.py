"""Jieba tokens of a message read as Simplified Chinese, so Traditional messages meet the same NLU as Simplified ones.

The training data is written in Simplified characters; 「區長是誰？」 tokenized as written shares few n-grams with
「区长是谁」 and was read as "are you a bot". OpenCC's character conversion keeps a message's length, so each
token keeps its place in the text the resident wrote (entities and the tracker keep their own words); a rare
phrase conversion that changes the length, or text OpenCC cannot read, falls back to the text as written.
"""
from __future__ import annotations

from functools import lru_cache
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` in Simplified characters, or as written when the conversion would change its length or cannot read
    it (a lone surrogate has no UTF-8 form for OpenCC)."""
    try:
        converted = _converter().convert(text)
    except UnicodeError:
        return text
    return converted if len(converted) == len(text) else text


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class SimplifiedJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer over the Simplified reading of the message."""

    @staticmethod
    def required_packages() -> List[Text]:
        """Any extra python dependencies required for this component to run."""
        return ["jieba", "opencc"]

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokens of the Simplified text, at the offsets of the text as written (same length)."""
        import jieba

        text = simplified(message.get(attribute))
        tokens = [Token(word, start) for word, start, _ in jieba.tokenize(text)]
        return self._apply_token_pattern(tokens)
