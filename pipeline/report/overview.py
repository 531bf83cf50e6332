"""What the overview shows, computed over the whole run: label counts, top entities, places
and the co-occurrence network.

Plain data in, plain data out (frames and dataclasses); :mod:`pipeline.report.charts` turns
them into figures. Everything here covers all documents, whatever the document views sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LABELS = ("PER", "LOC", "ORG", "RES", "MISC")
LABEL_NAMES = {"PER": "people", "LOC": "places", "ORG": "organizations", "RES": "resolutions", "MISC": "other"}


@dataclass(frozen=True)
class Network:
    """The most connected entities, their positions, and the pairs among them."""

    nodes: pd.DataFrame  # entity_id, label, name_ar, name_en, wikidata, n_mentions, degree, x, y
    edges: pd.DataFrame  # entity_a, entity_b, count, x0, y0, x1, y1
    scope: str


def labels_in(mentions: pd.DataFrame, entities: pd.DataFrame) -> list[str]:
    """Known labels first in their usual order, then any label a newer run invented."""
    seen = set(mentions["label"]) | set(entities["label"])
    return [label for label in LABELS if label in seen] + sorted(seen - set(LABELS) - {""})


def label_counts(mentions: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Mentions, distinct entities and documents per label."""
    labels = labels_in(mentions, entities)
    n_mentions = mentions["label"].value_counts()
    n_entities = entities["label"].value_counts()
    n_documents = mentions.groupby("label")["doc_id"].nunique()
    return pd.DataFrame({
        "label": labels,
        "mentions": [int(n_mentions.get(label, 0)) for label in labels],
        "entities": [int(n_entities.get(label, 0)) for label in labels],
        "documents": [int(n_documents.get(label, 0)) for label in labels],
    })


def top_entities(entities: pd.DataFrame, per_label: int = 10) -> dict[str, pd.DataFrame]:
    """The ``per_label`` most mentioned entities of each label, most mentioned first."""
    ranked = entities.sort_values(["n_mentions", "n_documents", "entity_id"], ascending=[False, False, True])
    return {label: group.head(per_label).reset_index(drop=True) for label, group in ranked.groupby("label", sort=False)}


def places(entities: pd.DataFrame) -> pd.DataFrame:
    """Entities that have coordinates (any label), most mentioned first."""
    located = entities.dropna(subset=["latitude", "longitude"])
    located = located[located["latitude"].between(-90, 90) & located["longitude"].between(-180, 180)]
    return located.sort_values(["n_mentions", "entity_id"], ascending=[False, True]).reset_index(drop=True)


def network(edges: pd.DataFrame, entities: pd.DataFrame, *, max_nodes: int = 40, max_edges: int = 150,
            scope: str = "document", seed: int = 7) -> Network:
    """Keep the ``max_nodes`` entities with the largest weighted degree and lay them out.

    Weighted degree (how many co-occurrences an entity takes part in) picks entities that
    connect coverage, not only frequent ones; the layout is seeded so reports are stable.
    """
    degree = pd.concat([edges[["entity_a", "count"]].rename(columns={"entity_a": "entity_id"}),
                        edges[["entity_b", "count"]].rename(columns={"entity_b": "entity_id"})])
    degree = degree.groupby("entity_id")["count"].sum()
    info = entities.set_index("entity_id")
    degree = degree[degree.index.isin(info.index)]
    chosen = degree.sort_values(ascending=False, kind="stable").head(max_nodes)
    kept = edges[edges["entity_a"].isin(chosen.index) & edges["entity_b"].isin(chosen.index)]
    kept = kept.sort_values("count", ascending=False, kind="stable").head(max_edges).reset_index(drop=True)
    nodes = info.loc[chosen.index, ["label", "name_ar", "name_en", "wikidata", "n_mentions"]].reset_index()
    nodes["degree"] = chosen.to_numpy()
    positions = layout(nodes["entity_id"].tolist(), kept, seed=seed)
    nodes["x"] = [positions[e][0] for e in nodes["entity_id"]]
    nodes["y"] = [positions[e][1] for e in nodes["entity_id"]]
    kept = kept.assign(
        x0=[positions[e][0] for e in kept["entity_a"]], y0=[positions[e][1] for e in kept["entity_a"]],
        x1=[positions[e][0] for e in kept["entity_b"]], y1=[positions[e][1] for e in kept["entity_b"]],
    )
    return Network(nodes=nodes, edges=kept, scope=scope)


def layout(node_ids: list[str], edges: pd.DataFrame, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Force-directed positions (networkx spring layout).

    Edge weights are log-scaled counts: raw counts of a big run would pull frequent pairs into
    one knot and hide everyone else's links.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(node_ids)
    graph.add_weighted_edges_from(zip(edges["entity_a"], edges["entity_b"], np.log1p(edges["count"].astype(float))))
    if not node_ids:
        return {}
    positions = nx.spring_layout(graph, weight="weight", seed=seed, k=2.5 / len(node_ids) ** 0.5, iterations=200)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}
