"""How each shell hands a command line to a Tab press and takes candidates back: bash's
line split as readline splits it and its escaping, fish's token unescaping."""

from __future__ import annotations

# Characters bash would read as syntax in an unquoted word (`=` and `:` are fine there).
_BASH_SPECIAL = frozenset(" \t\n\"'\\$`!&|;()<>*?[]{}")


def split_line(line: str) -> tuple[list[str], str, str, str]:
    """A bash command line up to the cursor, as bash would split it: the finished words
    (quotes and backslashes removed), the word at the cursor likewise, the quote still
    open in it ('' if none), and that word as typed."""
    words: list[str] = []
    chars: list[str] = []
    quote, in_word, start, i = "", False, 0, 0
    while i < len(line):
        ch = line[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                chars.append(ch)
        elif quote == '"':
            if ch == '"':
                quote = ""
            elif ch == "\\" and line[i + 1 : i + 2] in ("\\", '"', "$", "`"):
                i += 1
                chars.append(line[i])
            else:
                chars.append(ch)
        elif ch in " \t\n":
            if in_word:
                words.append("".join(chars))
                chars, in_word = [], False
        else:
            if not in_word:
                in_word, start = True, i
            if ch in "'\"":
                quote = ch
            elif ch == "\\":
                if i + 1 < len(line):
                    i += 1
                    chars.append(line[i])
            else:
                chars.append(ch)
        i += 1
    if not in_word:
        return words, "", "", ""
    return words, "".join(chars), quote, line[start:]


def bash_escape(value: str) -> str:
    """A word as it can be typed unquoted in bash."""
    if _BASH_SPECIAL.isdisjoint(value) and value[:1] not in ("~", "#"):
        return value  # ids, kinds, zones: as they are
    out = "".join("\\" + ch if ch in _BASH_SPECIAL else ch for ch in value)
    return "\\" + out if out[:1] in ("~", "#") else out


def for_bash(found: list[tuple[str, str]], current: str, quote: str, raw: str, word: str) -> list[str]:
    """Candidates for COMPREPLY. Readline replaces only its own word, which starts after
    an open quote, or after the last ``=`` or ``:`` in an unquoted word (COMP_WORDBREAKS);
    so each candidate is cut to that part, and escaped unless a quote is open."""
    typed = current if quote else raw
    cut = len(typed) - len(word) if typed.endswith(word) else 0
    head = typed[:cut]
    out = []
    for value, _ in found:
        if value.startswith(current) and value.isprintable():
            text = value if quote else bash_escape(value)
            if text.startswith(head):
                out.append(text[cut:])
    return out


def fish_token(raw: str) -> str:
    """The token at the cursor as fish hands it over (as typed) with its quoting removed."""
    if raw[:1] in ("'", '"'):
        return raw[1:].rstrip(raw[0])
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            i += 1
        out.append(raw[i])
        i += 1
    return "".join(out)
