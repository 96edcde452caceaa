"""Where a line sends what it asks for: `in #channel`, `#channel에`, `#channel 채널에`, `#channel로`. Shared by the
schedules (`schedule … in #ops`) and the alert watches (`watch alerts … #ops에`). Pure: tokens in, a channel out."""

from __future__ import annotations

from bot.errors import UserError
from bot.i18n import _
from bot.language.tokens import Kind, Token

# After a channel link: `<#C1|ops>에`, `<#C1|ops> 채널에`, `<#C1|ops>로`.
CHANNEL_PARTICLES = frozenset(
    f"{prefix}{particle}" for prefix in ("", "채널") for particle in ("에", "에서", "로", "으로", "방에")
) | {"채널"}


def channel_at(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """The channel id named at `tokens[i]` (`in <#C1|ops>`, `<#C1|ops>에`, `<#C1|ops> 채널에`) and how many tokens
    name it; None when none is named there. A channel typed as plain text (`in #ops`, `#ops에`) is refused: Slack
    sends a channel picked from its list as a link, and only a link says which channel is meant."""
    token = tokens[i]
    word = token.text.lower() if _is_word(token) else ""
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    if word == "in" and following is not None and following.kind is Kind.CHANNEL:
        return following.text, 2
    if token.kind is Kind.CHANNEL and following is not None and following.text in CHANNEL_PARTICLES:
        return token.text, 2 + (following.text == "채널" and after is not None and after.text in CHANNEL_PARTICLES)
    if (word == "in" and following is not None and following.text.startswith("#")) or _unlinked(token, following):
        typed = following.text if word == "in" and following is not None else token.text
        raise UserError(
            _(
                "“{word}” is not a channel link: type `#` and pick the channel from Slack's list, so it arrives "
                "as a link."
            ).format(word=typed)
        )
    return None


def _is_word(token: Token) -> bool:
    return token.kind is Kind.WORD and not token.quoted


def _unlinked(token: Token, following: Token | None) -> bool:
    """`#ops에` or `#ops 채널에` typed as plain text (Slack sends a picked channel as a link)."""
    if not (_is_word(token) and token.text.startswith("#") and len(token.text) > 1):
        return False
    return any(token.text.endswith(p) for p in CHANNEL_PARTICLES) or (
        following is not None and following.text in CHANNEL_PARTICLES
    )
