"""Views: what is tracked, as tables, charts, a calendar and countdowns."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from hstrack.cli.common import (
    AtOpt,
    EpisodesOpt,
    HeaderOpt,
    IdArg,
    JsonOpt,
    MediaOpt,
    PlainOpt,
    RegionsOpt,
    episodes_shown,
    list_renderer,
    milestone_of,
    places_of,
    renderer_for,
    settings_of,
    title_report,
    whole_store_view,
    write_file,
)
from hstrack.cli.registry import command
from hstrack.core.errors import UsageError

ChartOpt = Annotated[bool, typer.Option("--chart", help="Draw it on a time axis instead of a table.")]


SvgOpt = Annotated[
    Path | None, typer.Option("--svg", metavar="FILE", help="Also save what is shown as an SVG picture, in colour.")
]


HtmlOpt = Annotated[
    Path | None, typer.Option("--html", metavar="FILE", help="Also save what is shown as an HTML page, in colour.")
]


def _picture_options(chart: bool, svg: Path | None, html: Path | None, *formats: tuple[bool, str]) -> None:
    """--chart, --svg and --html are about what a terminal shows: not with --json or --plain."""
    for given, option in formats:
        if given and chart:
            raise UsageError(f"--chart draws a picture; it does not go with {option}")
        if given and (svg is not None or html is not None):
            raise UsageError(f"--svg and --html save what a terminal shows; they do not go with {option}")


def _draw(renderer: Any, draw: Callable[[Any], None], svg: Path | None, html: Path | None, title: str) -> None:
    """Show a view, then save the same view as pictures: drawn again on a recording
    console at this terminal's width, in colour even when this terminal has none."""
    draw(renderer)
    if svg is None and html is None:
        return
    from hstrack.views.pictures import save_pictures
    from hstrack.views.terminal import TerminalRenderer

    now, width = renderer.now, renderer.console.width
    for path, data in save_pictures(lambda console: draw(TerminalRenderer(now, console)), width, title, svg, html):
        write_file(data, path)


@command(short_help="Every title: phase, last and next milestone, release.")
def status(
    ctx: typer.Context,
    phases: Annotated[
        list[str] | None, typer.Option("--phase", metavar="PHASE", help="Only titles in this phase (repeatable).")
    ] = None,
    kinds: Annotated[
        list[str] | None, typer.Option("--kind", metavar="KIND", help="Only titles of this kind (repeatable).")
    ] = None,
    platforms: Annotated[
        list[str] | None,
        typer.Option("--platform", metavar="TEXT", help="Only titles on this platform, any case (repeatable)."),
    ] = None,
    title_ids: Annotated[
        list[str] | None, typer.Option("--title", metavar="ID", help="Only these titles (repeatable).")
    ] = None,
    active: Annotated[
        bool, typer.Option("--active", help="Leave out cancelled titles and those released over 90 days ago.")
    ] = False,
    as_json: JsonOpt = False,
    plain: PlainOpt = False,
    header: HeaderOpt = False,
    chart: ChartOpt = False,
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    at: AtOpt = None,
) -> None:
    """Every title: its phase, the last milestone reached, the next one, the release. `hstrack` alone shows this."""
    from hstrack.core.report.titles import status_report

    _picture_options(chart, svg, html, (as_json, "--json"), (plain, "--plain"))
    settings = settings_of(ctx)
    renderer = list_renderer(settings, as_json, plain, header, at)
    doc = settings.read(view=True, history=False)
    filtered = bool(phases or kinds or platforms or title_ids or active)
    if filtered:  # the filters' module loads only when there are filters
        from hstrack.core.filters import title_filter

        chosen = title_filter(doc, phases or (), kinds or (), platforms or (), title_ids or (), active)
    with whole_store_view():
        reports = status_report(doc, settings.now(at), settings.pref_for(doc))
        if filtered:
            reports = [r for r in reports if chosen.matches(r)]
        if chart:
            _draw(renderer, lambda r: r.status_chart(reports, filtered), svg, html, "hstrack status --chart")
        else:
            _draw(renderer, lambda r: r.status(reports, filtered), svg, html, "hstrack status")


@command(short_help="One title in detail, with a chart and its timeline.")
def show(
    ctx: typer.Context,
    title_id: IdArg,
    as_json: JsonOpt = False,
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    at: AtOpt = None,
) -> None:
    """A title in detail: kind, platform, credits, synopsis, notes, a chart and its timeline."""
    from hstrack.core.report.rows import timeline as build_timeline

    _picture_options(False, svg, html, (as_json, "--json"))
    settings = settings_of(ctx)
    report = title_report(settings, title_id, at)
    line, title = build_timeline(report), f"hstrack show {report.title.name}"
    _draw(renderer_for(settings, as_json, at), lambda r: r.show(report, line), svg, html, title)


@command(short_help="A title's milestones in time order, with gaps and today.")
def timeline(
    ctx: typer.Context,
    title_id: IdArg,
    as_json: JsonOpt = False,
    chart: ChartOpt = False,
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    at: AtOpt = None,
) -> None:
    """A title's milestones in time order, the gaps between them and where today is."""
    from hstrack.core.report.rows import timeline as build_timeline

    _picture_options(chart, svg, html, (as_json, "--json"))
    settings = settings_of(ctx)
    line = build_timeline(title_report(settings, title_id, at))
    renderer = renderer_for(settings, as_json, at)
    title = f"hstrack timeline {line.report.title.name}"
    if chart:
        _draw(renderer, lambda r: r.timeline_chart(line), svg, html, title)
    else:
        _draw(renderer, lambda r: r.timeline(line), svg, html, title)


@command(short_help="A month grid with milestones on their days.")
def calendar(
    ctx: typer.Context,
    month: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[MONTH]",
            help="2026-12, December 2026, a month name (the next one, this month included), or a window: "
            "Q1 2027 shows its three months.",
        ),
    ] = None,
    months: Annotated[
        int | None, typer.Option("--months", "-n", metavar="N", min=1, max=36, help="How many months to show.")
    ] = None,
    regions: RegionsOpt = None,
    media: MediaOpt = None,
    episodes: EpisodesOpt = False,
    as_json: JsonOpt = False,
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    at: AtOpt = None,
) -> None:
    """A month grid with milestones on their days and windows shaded over their span. A
    series' every episode is shown with --episodes (its premieres and finales always)."""
    from hstrack.core.report.titles import status_report
    from hstrack.views.calendar import month_calendar, parse_month

    _picture_options(False, svg, html, (as_json, "--json"))
    settings = settings_of(ctx)
    now = settings.now(at)
    first, span = parse_month(" ".join(month) if month else None, now.date())
    doc = settings.read(view=True, history=False)
    with whole_store_view():
        cal = month_calendar(status_report(doc, now, settings.pref_for(doc)), now, first, months or span or 1)
        places = places_of(regions, media)
        if places is not None:
            from hstrack.core.regions import admits

            cal.events[:] = [e for e in cal.events if admits(places, e.item.milestone)]
        shown = episodes_shown(episodes)
        cal.events[:] = [e for e in cal.events if shown(e.item.milestone.kind)]
        draw = renderer_for(settings, as_json, at)
        _draw(draw, lambda r: r.calendar(cal), svg, html, f"hstrack calendar {first.iso}")


@command(short_help="How long until a milestone (default: the next).")
def countdown(
    ctx: typer.Context,
    title_id: IdArg,
    milestone: Annotated[
        str | None, typer.Argument(metavar="[MILESTONE]", help="Default: the next milestone not yet reached.")
    ] = None,
    as_json: JsonOpt = False,
    at: AtOpt = None,
) -> None:
    """How long until a milestone: days (and hours for a set time), or a window's range."""
    from hstrack.core.report.rows import countdown as build_countdown

    settings = settings_of(ctx)
    report = title_report(settings, title_id, at)
    kind = milestone_of(report.title, milestone) if milestone is not None else None
    found = build_countdown(report, kind)
    if not as_json:
        from hstrack.views.line import print_countdown

        if print_countdown(found):  # a pipe or a file: one plain line, without loading Rich
            return
    renderer_for(settings, as_json, at).countdown(found)


@command(short_help="What changed across all titles, newest first.")
def changes(
    ctx: typer.Context,
    since: Annotated[
        str, typer.Option("--since", metavar="DATE", help="From when: 7d, 2w, yesterday, 2026-11-01 (default 7d).")
    ] = "7d",
    title_ids: Annotated[
        list[str] | None, typer.Option("--title", metavar="ID", help="Only these titles (repeatable).")
    ] = None,
    as_json: JsonOpt = False,
    plain: PlainOpt = False,
    header: HeaderOpt = False,
    at: AtOpt = None,
) -> None:
    """Every change recorded across all titles since a moment, newest first: dates set,
    moved or removed ("moved 94 days later"), sources and notes, and edits of the titles
    themselves. --since takes what --at takes; a bare span counts back from now."""
    from hstrack.core.clock import parse_now
    from hstrack.core.feed import change_feed

    settings = settings_of(ctx)
    renderer = list_renderer(settings, as_json, plain, header, at)
    now = settings.now(at)
    assert now.tzinfo is not None
    start = parse_now(since, now.tzinfo, base=now, what="--since")
    doc = settings.read()
    wanted = {doc.get(t).id for t in title_ids} if title_ids else None
    renderer.changes(change_feed(doc, now, start, wanted), start)


@command(short_help="Every recorded change of one title.")
def history(ctx: typer.Context, title_id: IdArg, as_json: JsonOpt = False, at: AtOpt = None) -> None:
    """Every recorded change of a title's milestones: when, old → new, and the shift."""
    from hstrack.core.report.history import title_history

    settings = settings_of(ctx)
    report = title_report(settings, title_id, at)
    renderer_for(settings, as_json, at).history(report, title_history(report.title, settings.now(at)))


@command(short_help="Milestones of all titles due within a span, soonest first.")
def upcoming(
    ctx: typer.Context,
    within: Annotated[
        str, typer.Option("--within", metavar="DURATION", help="How far ahead: 30min, 12h, 7d, 2w, 3mo, 1y.")
    ] = "90d",
    milestones: Annotated[
        list[str] | None, typer.Option("--milestone", metavar="KIND", help="Only these milestones (repeatable).")
    ] = None,
    title_ids: Annotated[
        list[str] | None, typer.Option("--title", metavar="ID", help="Only these titles (repeatable).")
    ] = None,
    regions: RegionsOpt = None,
    media: MediaOpt = None,
    episodes: EpisodesOpt = False,
    as_json: JsonOpt = False,
    plain: PlainOpt = False,
    header: HeaderOpt = False,
    at: AtOpt = None,
) -> None:
    """Milestones across all titles starting (or open) within a span, soonest first. A
    series' every episode is listed with --episodes (or --milestone episode); its premieres
    and finales always."""
    from hstrack.core.dates.spans import span_end
    from hstrack.core.model.validation import check_filter_kind
    from hstrack.core.report.rows import upcoming as build_upcoming
    from hstrack.core.report.titles import status_report

    settings = settings_of(ctx)
    renderer = list_renderer(settings, as_json, plain, header, at)
    now = settings.now(at)
    end = span_end(within, now, "--within")
    doc = settings.read(view=True, history=False)
    everywhere = doc.milestone_kinds()
    kinds = {check_filter_kind(k, everywhere) for k in milestones} if milestones else None
    wanted = {doc.get(t).id for t in title_ids} if title_ids else None
    dated, tba = build_upcoming(status_report(doc, now, settings.pref_for(doc)), now, end, kinds, wanted)
    shown = episodes_shown(episodes, kinds)
    dated, tba = [u for u in dated if shown(u.item.milestone.kind)], [u for u in tba if shown(u.item.milestone.kind)]
    places = places_of(regions, media)
    if places is not None:
        from hstrack.core.regions import admits

        dated = [u for u in dated if admits(places, u.item.milestone)]
        tba = [u for u in tba if admits(places, u.item.milestone)]
    if plain:
        renderer.upcoming(dated, tba)
    else:
        renderer.upcoming(dated, tba, end)
