"""One title on a terminal: its timeline (table or chart), ``show`` with its facts and
sources, and ``countdown``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from hstrack.core.text import inert
from hstrack.views.layout import (
    NEEDED,
    Column,
    Para,
    Table,
    atom,
    chain,
    phrase,
    slug,
    then,
    words,
    wrap,
)
from hstrack.views.terminal_base import (
    DETAIL,
    MORE,
    NARROW,
    NO_MILESTONES,
    STATE_MARK,
    STATE_STYLE,
    TerminalBase,
    _countdown,
    _heading,
    _when,
    sourced,
    stored,
)

if TYPE_CHECKING:  # types only: a command loads the modules it runs
    from hstrack.core.report.rows import Countdown, Timeline
    from hstrack.core.report.titles import TitleReport


class TitleView(TerminalBase):
    """``timeline``, ``show`` and ``countdown``."""

    def _title_chart(self, report: TitleReport) -> Group:
        from hstrack.views.chart import title_chart
        from hstrack.views.pictures import chart_renderable

        return chart_renderable(title_chart(report, self.now, self.width, self._today()), self.console)

    def timeline_chart(self, line: Timeline) -> None:
        self._lines(self._block([(_heading(line.report), 0, DETAIL)]))
        if not line.rows:
            self._lines(self._block([(words(NO_MILESTONES, "dim"), 0, DETAIL)]))
            return
        self._print()
        self._print(self._title_chart(line.report))

    def _timeline_lines(self, line: Timeline) -> list[Text]:
        """The timeline as stacked lines, for terminals too narrow for its table."""
        paras: list[tuple[Para, int, int]] = []
        today = (self._today_marker(), 0, DETAIL)
        for i, row in enumerate(line.rows):
            if i == line.today_index:
                paras.append(today)
            a = row.item
            head = then(atom(STATE_MARK[a.state], STATE_STYLE[a.state]), _when(a))
            paras.append((then(head, phrase(a.named, "bold"), space=2), 0, MORE))
            when = _countdown(a)
            if row.gap_text:
                when = then(when, atom(f"({row.gap_text})", "dim"))
            paras.append((when, MORE, MORE + 2))
            for extra in [*sourced(a.milestone.source, a.milestone.origin), *stored(a.milestone.note, "italic dim")]:
                if extra:
                    paras.append(self._under(extra, MORE))
        if line.today_index >= len(line.rows):
            paras.append(today)
        return self._block(paras)

    def _today_marker(self) -> Para:
        return then(atom("▶", "bold"), atom(f"today {self._today()}", "bold reverse"))

    def _timeline_table(self, line: Timeline) -> list[Text]:
        if self.width < NARROW:
            return self._timeline_lines(line)
        # The gap gives way first, then the countdown; when it happened and what, last.
        columns = [Column("", 1), Column("When", 10), Column("Milestone", 10), Column("Gap", 6), Column("Countdown", 9)]
        table = Table(columns, give_way=[[3], [4], [1, 2]], cuts=[3, 4, 2, 1], under_at=1)
        for i, row in enumerate(line.rows):
            if i == line.today_index:
                table.add_line(self._today_marker())
            a = row.item
            cells = [
                atom(STATE_MARK[a.state], STATE_STYLE[a.state]),
                _when(a),
                phrase(a.named, "bold"),
                phrase(row.gap_text, "dim"),
                _countdown(a),
            ]
            # A source and a note are lines of their own under the row, as wide as it.
            table.add(
                cells, [*sourced(a.milestone.source, a.milestone.origin), *stored(a.milestone.note, "italic dim")]
            )
        if line.today_index >= len(line.rows):
            table.add_line(self._today_marker())
        lines = table.lines(self.width, self.glyphs)
        return lines if lines is not None else self._timeline_lines(line)

    def timeline(self, line: Timeline) -> None:
        lines = self._block([(_heading(line.report), 0, DETAIL)])
        if not line.rows:
            lines.extend(self._block([(words(NO_MILESTONES, "dim"), 0, DETAIL)]))
        else:
            lines.extend(self._timeline_table(line))
        self._lines(lines)

    # ------------------------------------------------------------------------ show

    def _facts(self, report: TitleReport) -> list[Text]:
        t = report.title
        release = report.release
        if release is None:
            release_para = phrase("not tracked")
        else:
            when = _when(release)
            when.pieces[0].style = "default"  # plain here, as the other facts are
            release_para = chain(when, phrase(release.countdown)) if release.state != "tba" else when
            if report.release_place is not None:
                release_para = chain(release_para, phrase(report.release_place))
        facts: list[tuple[str, Para]] = [("id", slug(inert(t.id))), ("kind", words(inert(t.kind)))]
        if t.platform:
            facts.append(("platform", words(inert(t.platform))))
        for role, names in t.credits.items():
            facts.append((inert(role.lower()), words(inert(", ".join(names)))))
        facts.append(("release", release_para))
        from hstrack.core.report import freshness

        known = freshness.last_confirmed(t)
        said = freshness.describe(known, self.now)
        if known.day is not None and said.endswith(f"{known.day})"):  # a date is never broken
            confirmed = then(phrase(said[: -len(known.day) - 1]), atom(f"{known.day})"))
        else:
            confirmed = phrase(said)
        why = freshness.watch(report, self.now, self.stale)
        if why == "stale":  # "closing" and "due" are said by the release's own words
            confirmed = chain(confirmed, phrase(f"stale: its window is open and {self.stale} passed without news",
                                                "bold yellow"))  # fmt: skip
        facts.append(("facts", confirmed))
        if t.links:
            facts.append(("linked", words(inert(", ".join(t.links)))))
        if t.proposals:
            from hstrack.core.proposals import describe

            facts.append(("proposed", words(inert("; ".join(describe(p) for p in t.proposals)))))
        if self.width < NARROW:  # stacked: "key: value", continued under the value
            return self._block([(then(words(key + ":", "dim"), value, brk=NEEDED), 0, DETAIL) for key, value in facts])
        # Two columns: the keys as wide as the longest, up to a third of the width.
        keys = [words(key, "dim").prepare(self.glyphs) for key, _ in facts]
        key_width = min(max(k.needs()[0] for k in keys), self.width // 3)
        lines = []
        for key, (_, value) in zip(keys, facts, strict=True):
            left = wrap(key, key_width, self.glyphs)
            right = wrap(value, self.width - key_width - 2, self.glyphs)
            for i in range(max(len(left), len(right))):
                line = Text()
                if i < len(left):
                    line.append_text(left[i])
                if i < len(right):
                    line.pad_right(key_width + 2 - line.cell_len)
                    line.append_text(right[i])
                lines.append(line)
        return lines

    def show(self, report: TitleReport, line: Timeline) -> None:
        t = report.title
        lines = self._block([(_heading(report), 0, DETAIL)])
        lines.append(Text())
        lines.extend(self._facts(report))
        for text, style in ((t.synopsis, "italic"), (t.notes, "")):
            if text:
                lines.append(Text())
                lines.extend(self._block([(p, 0, 0) for p in stored(text, style)]))
        self._lines(lines)
        if line.rows:
            self._print()
            self._print(self._title_chart(report))
            self._print()
            self._lines(self._timeline_table(line))

    # ------------------------------------------------------------------------ countdown

    def countdown(self, c: Countdown) -> None:
        from hstrack.views.line import countdown_sentence

        sentence = countdown_sentence(c)
        if self.console.is_terminal:  # a terminal gets it broken between words, not by itself
            self._lines(self._block([(sentence, 0, DETAIL)]))
            return
        # One sentence is one line: a script reading it from a pipe must not get it broken
        # at 80 columns. (The countdown command prints this line without Rich when it can:
        # views.line.print_countdown.)
        line = Text()
        for i, p in enumerate(sentence.prepare(self.glyphs).pieces):
            if i:
                line.append(" " * p.space)
            line.append(p.text, p.style)
        self.console.print(line, soft_wrap=True)

    # ------------------------------------------------------------------------ history
