"""Plotly figures of the overview: label counts, top entities, the place map, the network.

Plotly draws everything in the browser from the figure JSON, and its JavaScript is inlined by
the page, so the charts are interactive (hover, zoom) and need no network. The map's base
layer is plotly's own ``scattergeo`` with a topojson that the page embeds (see
:mod:`pipeline.report.page`); nothing here fetches anything.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipeline.report.overview import LABEL_NAMES, Network

# displaCy's default colours for the nearest spaCy labels, so charts and highlights agree.
LABEL_COLORS = {"PER": "#aa9cfc", "LOC": "#feca74", "ORG": "#7aecec", "RES": "#ff8197", "MISC": "#bfeeb7"}
OTHER_COLOR = "#dddddd"
FONT = "Noto Naskh Arabic, Segoe UI, Tahoma, DejaVu Sans, Arial, sans-serif"
# Default map view: the Middle East and North Africa; a button switches to the world.
REGION_VIEW = {"lonaxis.range": [-18, 64], "lataxis.range": [10, 43]}
WORLD_VIEW = {"lonaxis.range": [-180, 180], "lataxis.range": [-58, 84]}


def color(label: str) -> str:
    return LABEL_COLORS.get(label, OTHER_COLOR)


def entity_name(name_ar: str, name_en: str, limit: int = 0) -> str:
    """"العراق · Iraq": Arabic first, the English name when the knowledge base has one.

    With ``limit``, each name is cut to that many characters: long names would squeeze the
    bars of a chart to nothing (hover shows them in full).
    """
    if limit:
        name_ar, name_en = (n if len(n) <= limit else n[:limit - 1] + "…" for n in (name_ar, name_en))
    return f"{name_ar} · {name_en}" if name_en and name_en != name_ar else (name_ar or name_en)


def _base_layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(template="plotly_white", height=height, font={"family": FONT, "size": 13},
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, hoverlabel={"font": {"family": FONT}})
    return fig


def label_figure(counts: pd.DataFrame) -> go.Figure:
    """Mentions and distinct entities per label, as grouped bars (entities hatched)."""
    names = [f"{label}<br>{LABEL_NAMES.get(label, label.lower())}" for label in counts["label"]]
    colors = [color(label) for label in counts["label"]]
    fig = go.Figure()
    for column, pattern in (("mentions", ""), ("entities", "/")):
        fig.add_trace(go.Bar(
            x=names, y=counts[column], name="distinct entities" if column == "entities" else column,
            marker={"color": colors, "line": {"color": "#555", "width": 1}, "pattern": {"shape": pattern}},
            text=counts[column], textposition="outside", cliponaxis=False, customdata=counts[["documents"]],
            hovertemplate="%{y} " + column + "<br>in %{customdata[0]} documents<extra></extra>"))
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.12, "x": 0})
    fig.update_xaxes(tickangle=0)
    fig.update_yaxes(range=[0, 1.15 * max(int(counts["mentions"].max()) if len(counts) else 0, 1)])  # room for labels
    return _base_layout(fig, 340)


def top_entities_figure(tops: dict[str, pd.DataFrame]) -> go.Figure:
    """One horizontal bar chart per label, stacked: its most mentioned entities, top first."""
    labels = list(tops)
    if not labels:
        return empty_figure("No entities in this run")
    sizes = [len(tops[label]) for label in labels]
    fig = make_subplots(rows=len(labels), cols=1, row_heights=[n + 2 for n in sizes], vertical_spacing=0.25 / len(labels),
                        subplot_titles=[f"{LABEL_NAMES.get(label, label).capitalize()} ({label})" for label in labels])
    for row, label in enumerate(labels, start=1):
        frame = tops[label].iloc[::-1]
        names = [entity_name(ar, en, limit=28) for ar, en in zip(frame["name_ar"], frame["name_en"])]
        full = [entity_name(ar, en) for ar, en in zip(frame["name_ar"], frame["name_en"])]
        fig.add_trace(go.Bar(
            x=frame["n_mentions"], y=_unique(names), orientation="h", showlegend=False, name=label,
            text=frame["n_mentions"], textposition="outside", cliponaxis=False,
            marker={"color": color(label), "line": {"color": "#555", "width": 1}},
            customdata=list(zip(full, frame["wikidata"], frame["n_documents"], frame["entity_id"])),
            hovertemplate="%{customdata[0]}<br>%{x} mentions in %{customdata[2]} documents<br>"
                          "%{customdata[1]} %{customdata[3]}<extra></extra>",
        ), row=row, col=1)
    fig.update_yaxes(automargin=True, tickfont={"size": 13})
    fig.update_annotations(x=0, xanchor="left", xref="paper", font={"size": 14})  # subplot titles
    fig.update_xaxes(title_text="mentions", row=len(labels), col=1)
    return _base_layout(fig, 60 * len(labels) + 26 * sum(sizes) + 40)


def _unique(names: list[str]) -> list[str]:
    """Bar categories must differ; two entities with one name get a zero-width-space suffix."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name + "\u200b" * (seen[name] - 1))
    return out


def map_figure(places: pd.DataFrame, *, labelled: int = 15) -> go.Figure:
    """Places with coordinates, marker area proportional to mentions; one trace per label."""
    if places.empty:
        return empty_figure("No entity with coordinates in this run")
    largest = float(places["n_mentions"].max()) or 1.0
    fig = go.Figure()
    for label, frame in places.groupby("label", sort=False):
        text = [ar if i < labelled else "" for i, ar in zip(frame.index, frame["name_ar"])]
        fig.add_trace(go.Scattergeo(
            lat=frame["latitude"], lon=frame["longitude"], mode="markers+text", name=label, text=text,
            textposition="top center", textfont={"size": 11},
            marker={"size": frame["n_mentions"], "sizemode": "area", "sizeref": 2.0 * largest / 45 ** 2, "sizemin": 4,
                    "color": color(label), "line": {"color": "#444", "width": 1}, "opacity": 0.85},
            customdata=frame[["name_ar", "name_en", "wikidata", "n_mentions", "n_documents"]].to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]}<br>"
                          "%{customdata[3]} mentions in %{customdata[4]} documents<br>%{lat:.2f}, %{lon:.2f}<extra></extra>",
        ))
    fig.update_geos(projection_type="mercator", resolution=110, showcountries=True, countrycolor="#9a9a9a",
                    showland=True, landcolor="#f4f1ea", showocean=True, oceancolor="#e6eff7", showlakes=True,
                    lakecolor="#e6eff7", showcoastlines=True, coastlinecolor="#8a8a8a",
                    lonaxis_range=REGION_VIEW["lonaxis.range"], lataxis_range=REGION_VIEW["lataxis.range"])
    fig.update_layout(legend={"title": {"text": "label"}}, updatemenus=[{
        "type": "buttons", "direction": "right", "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom", "showactive": True,
        "buttons": [{"label": "Middle East", "method": "relayout", "args": [_geo(REGION_VIEW)]},
                    {"label": "World", "method": "relayout", "args": [_geo(WORLD_VIEW)]}],
    }])
    return _base_layout(fig, 480)


def _geo(view: dict[str, list[int]]) -> dict[str, list[int]]:
    return {f"geo.{key}": value for key, value in view.items()}


def network_figure(net: Network) -> go.Figure:
    """Entities as nodes (size: mentions) and co-occurrence as edges (width: count)."""
    if net.nodes.empty or net.edges.empty:
        return empty_figure("No two entities appear together in this run")
    fig = go.Figure()
    for width, frame in _edge_widths(net.edges):
        xs, ys = [], []
        for row in frame.itertuples(index=False):
            xs += [row.x0, row.x1, None]
            ys += [row.y0, row.y1, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line={"width": width, "color": "rgba(90,90,110,0.25)"}))
    names = net.nodes.set_index("entity_id")["name_ar"]
    fig.add_trace(go.Scatter(
        x=(net.edges["x0"] + net.edges["x1"]) / 2, y=(net.edges["y0"] + net.edges["y1"]) / 2, mode="markers",
        marker={"size": 8, "opacity": 0}, showlegend=False,
        hovertext=[f"{names[a]} — {names[b]}: together in {n} {net.scope}s"
                   for a, b, n in zip(net.edges["entity_a"], net.edges["entity_b"], net.edges["count"])],
        hoverinfo="text"))
    largest = float(net.nodes["n_mentions"].max()) or 1.0
    for label, frame in net.nodes.groupby("label", sort=False):
        fig.add_trace(go.Scatter(
            x=frame["x"], y=frame["y"], mode="markers+text", name=label, text=frame["name_ar"],
            textposition="top center", textfont={"size": 11},
            marker={"size": 10 + 30 * (frame["n_mentions"] / largest) ** 0.5, "color": color(label),
                    "line": {"color": "#444", "width": 1}},
            customdata=frame[["name_en", "wikidata", "n_mentions", "degree"]].to_numpy(),
            hovertemplate="<b>%{text}</b> %{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]} mentions, "
                          "%{customdata[3]} co-occurrences<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.update_layout(legend={"title": {"text": "label"}})
    return _base_layout(fig, 620)


def _edge_widths(edges: pd.DataFrame, steps: int = 4) -> list[tuple[float, pd.DataFrame]]:
    """Plotly gives one width per line trace, so edges are binned into a few widths."""
    largest = float(edges["count"].max()) or 1.0
    bins = ((edges["count"] / largest) ** 0.5 * (steps - 1)).round().astype(int)
    return [(1.0 + 2.0 * step, edges[bins == step]) for step in range(steps) if (bins == step).any()]


def empty_figure(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 15, "color": "#777"}, x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base_layout(fig, 160)


def timeline_figure(timeline: pd.DataFrame, entities: pd.DataFrame, top: int = 10) -> go.Figure:
    """Mentions per day (or per week: the buttons) of the most mentioned entities over all outlets.

    Click a name in the legend to hide or show its line, double-click to show it alone.
    """
    fig = go.Figure()
    rows = timeline[timeline["outlet"] == ""] if len(timeline) else timeline
    if not len(rows):
        fig.add_annotation(text="no dated documents in this run", showarrow=False)
        return _base_layout(fig, 380)
    chosen = rows.groupby("entity_id")["n_mentions"].sum().sort_values(ascending=False).head(top).index
    names = entities.set_index("entity_id")
    dates = pd.to_datetime(rows["date"], errors="coerce")
    rows = rows.assign(day=dates, week=dates.dt.to_period("W").dt.start_time).dropna(subset=["day"])
    for grain, visible in (("day", True), ("week", False)):
        for entity_id in chosen:
            series = rows[rows["entity_id"] == entity_id].groupby(grain)["n_mentions"].sum().sort_index()
            name = entity_name(names.at[entity_id, "name_ar"], names.at[entity_id, "name_en"], 24) \
                if entity_id in names.index else entity_id
            label = names.at[entity_id, "label"] if entity_id in names.index else ""
            fig.add_trace(go.Scatter(x=series.index, y=series.values, name=name, mode="lines+markers",
                                     visible=visible, legendgroup=entity_id, line={"width": 2},
                                     hovertemplate=f"{name} ({label})<br>%{{x|%Y-%m-%d}}: %{{y}} mentions<extra></extra>"))
    n = len(chosen)
    fig.update_layout(updatemenus=[{
        "type": "buttons", "direction": "right", "x": 0, "y": 1.15, "xanchor": "left", "showactive": True,
        "buttons": [{"label": "daily", "method": "update", "args": [{"visible": [True] * n + [False] * n}]},
                    {"label": "weekly", "method": "update", "args": [{"visible": [False] * n + [True] * n}]}]}],
        legend={"orientation": "v"}, yaxis_title="mentions")
    return _base_layout(fig, 420)
