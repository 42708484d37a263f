"""Relevance benchmark of catalog search: labelled queries, top-1 accuracy and MRR.

Three corpora, each ingested into a temporary SQLite database through ``CatalogService``
and searched through :class:`catalog_store.search.CatalogSearch`:

* ``synthetic``: a catalog of :mod:`bench.synthetic_catalog` (size and seed are in the
  label file's header);
* ``real``: the five public Backstage catalogs of ``../shared/fixtures/catalogs``;
* ``examples``: the example catalog of this repository, with hand-written labels.

The labels live in ``bench/relevance/<corpus>.tsv`` (category, query, expected refs).
Those of ``synthetic`` and ``real`` are derived from the entities with a fixed seed and
rules that never consult the search engine: a query is kept only when the entities a
person could mean by it are few and known (they are all listed as right answers), and
dropped when it is ambiguous. ``--regenerate`` derives them again.

Every query is also run through the catalog API's full-text filter, Backstage's
``LIKE '%term%'`` over the same fields ordered by name, for comparison.

Usage::

    python -m bench.relevance_bench [--regenerate] [--show-misses] [--work-dir DIR]
"""

from __future__ import annotations

import argparse
import math
import random
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bench.synthetic_catalog import generate
from catalog_store.db.engine import create_catalog_engine, make_sessionmaker, migrate
from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from catalog_store.model import KNOWN_KINDS
from catalog_store.queries.cursor import FullTextFilter, OrderField
from catalog_store.queries.query_pages import initial_cursor, query_page
from catalog_store.search import CatalogSearch, SearchDocument

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LABELS_DIR = Path(__file__).resolve().parent / "relevance"
FIXTURE_CATALOGS = PROJECT_ROOT.parent / "shared" / "fixtures" / "catalogs"
EXAMPLES = PROJECT_ROOT / "examples" / "catalog"
SYNTHETIC_ENTITIES = 3_000
SEED = 7
PER_CATEGORY = {"synthetic": 50, "real": 25}
CATEGORIES = ("exact", "typo", "transposed", "partial", "abbreviation", "title", "tag", "alias")
DEPTH = 20
"""Results looked at per query (a first page); a right answer further down counts 0."""
TOP1_TARGET = 0.90
MRR_TARGET = 0.93
BASELINE_FIELDS = (
    "metadata.name",
    "metadata.title",
    "spec.profile.displayName",
    "metadata.description",
    "metadata.tags",
    "metadata.annotations.callboard.dev/aliases",
    "metadata.links.title",
    "metadata.links.url",
    "spec.owner",
    "spec.system",
    "spec.type",
    "kind",
)
"""The fields of the substring baseline: those the fuzzy index searches."""

_EXAMPLES_ROOT = "backstage__backstage/packages/catalog-model/examples"
REAL_LOCATIONS = (
    f"{_EXAMPLES_ROOT}/all.yaml",
    f"{_EXAMPLES_ROOT}/acme-corp.yaml",
    f"{_EXAMPLES_ROOT}/all-environments.yaml",
    f"{_EXAMPLES_ROOT}/components/different-namespace.yaml",
    f"{_EXAMPLES_ROOT}/apis/config-schema-api.yaml",
    f"{_EXAMPLES_ROOT}/apis/local-ai-model-server-api.yaml",
    f"{_EXAMPLES_ROOT}/ai-resources/company-ai-marketplace.yaml",
    "backstage__demo/catalog-info.yaml",
    "backstage__demo/examples/*.yaml",
    "backstage__demo/demo-template/template/template.yaml",
    "giantswarm__backstage-catalogs/catalogs/*.yaml",
    "giantswarm__backstage-catalogs/templates/*/template.yaml",
    "giantswarm__backstage-catalogs/templates/app-deployment/edit-template.yaml",
    "RoadieHQ__roadie-backstage-plugins/catalog-info.yaml",
    "RoadieHQ__roadie-backstage-plugins/entities/**/*.yaml",
    "redhat-developer__rhdh/catalog-entities/all.yaml",
    "redhat-developer__rhdh/catalog-entities/e2e-test-resources/*.yaml",
)
"""The root locations of the real catalogs (as the ingestion tests read them)."""

_WORD = re.compile(r"[a-z0-9]+")
_VOWELS = frozenset("aeiou")
_KEYBOARD = (
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
)


# -- labels ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Labelled:
    """A query and the entities that are right answers to it."""

    category: str
    query: str
    expected: tuple[str, ...]


def write_labels(path: Path, labels: Sequence[Labelled], header: dict[str, str]) -> None:
    """Write a label file: ``# key=value`` header lines, then tab-separated rows."""
    lines = [f"# {key}={value}" for key, value in header.items()]
    lines.append("category\tquery\texpected")
    lines.extend(f"{x.category}\t{x.query}\t{'|'.join(x.expected)}" for x in labels)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_labels(path: Path) -> tuple[list[Labelled], dict[str, str]]:
    """Read a label file written by :func:`write_labels` (or by hand in that format)."""
    header: dict[str, str] = {}
    labels: list[Labelled] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition("=")
            header[key.strip()] = value.strip()
            continue
        category, query, expected = line.split("\t")
        if category == "category":
            continue
        if category not in CATEGORIES:
            raise ValueError(f"{path}: unknown category {category!r}")
        labels.append(Labelled(category, query, tuple(expected.split("|"))))
    return labels, header


# -- corpora --------------------------------------------------------------------------------


@dataclass(slots=True)
class Corpus:
    """An ingested catalog and its search index."""

    name: str
    engine: Engine
    sessions: sessionmaker[Session]
    search: CatalogSearch
    documents: list[SearchDocument] = field(default_factory=list)

    def close(self) -> None:
        """Release the database."""
        self.engine.dispose()


def ingest(name: str, locations: Sequence[str], base_dir: Path, work_dir: Path) -> Corpus:
    """Ingest ``locations`` into a new SQLite database and load a search index over it."""
    engine = create_catalog_engine(f"sqlite:///{work_dir / f'{name}.db'}")
    migrate(engine)
    sessions = make_sessionmaker(engine)
    config = IngestConfig(
        locations=tuple(LocationSpec("file", target) for target in locations),
        rules=({"allow": sorted(KNOWN_KINDS)},),
        base_dir=base_dir,
        reading_hosts=(),
        git_cache_dir=work_dir / "git-cache",
    )
    CatalogService(sessions, config).refresh_all()
    search = CatalogSearch(sessions)
    search.load()
    documents = sorted(search.index.documents(), key=lambda d: d.entity_ref)
    return Corpus(name, engine, sessions, search, documents)


def load_corpus(name: str, work_dir: Path, header: dict[str, str]) -> Corpus:
    """Build the catalog of a corpus and ingest it."""
    if name == "synthetic":
        entities = int(header.get("entities", SYNTHETIC_ENTITIES))
        seed = int(header.get("seed", SEED))
        layout = generate(work_dir / "synthetic", entities, seed=seed, git=False)
        return ingest(name, [str(layout.root_location)], layout.root, work_dir)
    if name == "real":
        if not FIXTURE_CATALOGS.is_dir():
            raise SystemExit(f"{FIXTURE_CATALOGS} is missing: the real catalogs live there")
        targets = [str(FIXTURE_CATALOGS / target) for target in REAL_LOCATIONS]
        return ingest(name, targets, FIXTURE_CATALOGS, work_dir)
    if name == "examples":
        copy = Path(shutil.copytree(EXAMPLES, work_dir / "examples"))
        return ingest(name, [str(copy / "all.yaml")], work_dir, work_dir)
    raise ValueError(f"unknown corpus {name!r}")


# -- deriving labels ------------------------------------------------------------------------


def words(text: str | None) -> list[str]:
    """Lower-case runs of letters and digits."""
    return _WORD.findall(text.lower()) if text else []


def skeleton(word: str) -> str:
    """A word without the vowels after its first letter (``ldgr`` for ``ledger``)."""
    return word[:1] + "".join(c for c in word[1:] if c not in _VOWELS)


def _short(word: str) -> str:
    """A long word's skeleton, unless that leaves a single letter (``queue``)."""
    if len(word) < 5 or not word.isalpha() or len(skeleton(word)) < 2:
        return word
    return skeleton(word)


def _neighbours(char: str) -> str:
    for row in _KEYBOARD:
        at = row.find(char)
        if at != -1:
            return row[max(0, at - 1) : at] + row[at + 1 : at + 2]
    return ""


@dataclass(slots=True)
class Facts:
    """What label rules look up about a catalog (never the search engine)."""

    by_words: dict[tuple[str, ...], set[str]]
    by_sorted_words: dict[tuple[str, ...], set[str]]
    title_words: dict[str, list[str]]
    name_words: dict[str, list[str]]
    tags: dict[str, set[str]]
    vocabulary: set[str]
    by_length: dict[int, list[str]]
    tag_counts: Counter[str]
    word_counts: Counter[str]

    @classmethod
    def of(cls, documents: Sequence[SearchDocument]) -> Facts:
        """Gather the facts of ``documents``."""
        by_words: dict[tuple[str, ...], set[str]] = defaultdict(set)
        by_sorted: dict[tuple[str, ...], set[str]] = defaultdict(set)
        vocabulary: set[str] = set()
        tags: dict[str, set[str]] = {}
        tag_counts: Counter[str] = Counter()
        word_counts: Counter[str] = Counter()
        names: dict[str, list[str]] = {}
        titles: dict[str, list[str]] = {}
        for doc in documents:
            name = words(doc.name)
            names[doc.entity_ref] = name
            titles[doc.entity_ref] = words(doc.title)
            by_words[tuple(name)].add(doc.entity_ref)
            by_sorted[tuple(sorted(name))].add(doc.entity_ref)
            tags[doc.entity_ref] = {t.lower() for t in doc.tags}
            tag_counts.update(tags[doc.entity_ref])
            word_counts.update(set(name))
            for text in (doc.name, doc.title, doc.description, doc.system, doc.owner_name):
                vocabulary.update(words(text))
            for text in (*doc.tags, *doc.aliases, *(t for link in doc.links for t in link)):
                vocabulary.update(words(text))
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in sorted(vocabulary):
            by_length[len(word)].append(word)
        return cls(
            dict(by_words),
            dict(by_sorted),
            titles,
            names,
            tags,
            vocabulary,
            dict(by_length),
            tag_counts,
            word_counts,
        )

    def near(self, word: str) -> list[str]:
        """Vocabulary words one edit (or one swap) away from ``word``."""
        found: list[str] = []
        for length in (len(word) - 1, len(word), len(word) + 1):
            bucket = self.by_length.get(length, [])
            found.extend(
                match
                for match, _, _ in process.extract(
                    word, bucket, scorer=OSA.distance, score_cutoff=1, limit=None
                )
            )
        return found


Rule = Callable[[SearchDocument, Facts, random.Random], tuple[str, set[str]] | None]


def _exact(doc: SearchDocument, facts: Facts, rng: random.Random) -> tuple[str, set[str]] | None:
    name = facts.name_words[doc.entity_ref]
    if not name:
        return None
    style = rng.random()
    if style < 0.4:
        query = doc.name
    elif style < 0.8:
        query = " ".join(name)
    else:
        query = " ".join(w.capitalize() for w in name)
    return query, set(facts.by_words[tuple(name)])


def _typo(word: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(word))
    operation = rng.choice(("substitute", "delete", "insert", "swap"))
    if operation == "swap" and position < len(word) - 1 and word[position] != word[position + 1]:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if operation == "delete":
        return word[:position] + word[position + 1 :]
    neighbours = _neighbours(word[position]) or "e"
    if operation == "insert":
        return word[:position] + rng.choice(neighbours) + word[position:]
    return word[:position] + rng.choice(neighbours) + word[position + 1 :]


def _misspelt(word: str, facts: Facts, rng: random.Random) -> str | None:
    """A typo of ``word`` that is no other word of the catalog, nor one edit from one."""
    for _ in range(10):
        typed = _typo(word, rng)
        if typed not in facts.vocabulary and not set(facts.near(typed)) - {word}:
            return typed
    return None


def _typo_rule(
    doc: SearchDocument, facts: Facts, rng: random.Random
) -> tuple[str, set[str]] | None:
    name = facts.name_words[doc.entity_ref]
    long_words = [i for i, w in enumerate(name) if len(w) >= 5 and w.isalpha()]
    if not long_words or (len(name) == 1 and len(name[0]) < 7):
        return None
    count = 2 if len(long_words) >= 2 and rng.random() < 0.3 else 1
    typed = list(name)
    for at in rng.sample(long_words, count):
        misspelt = _misspelt(name[at], facts, rng)
        if misspelt is None:
            return None
        typed[at] = misspelt
    return " ".join(typed), set(facts.by_words[tuple(name)])


def _transposed(
    doc: SearchDocument, facts: Facts, rng: random.Random
) -> tuple[str, set[str]] | None:
    name = facts.name_words[doc.entity_ref]
    if len(set(name)) < 2:
        return None
    order = list(reversed(name))
    if len(name) > 2:
        while order == name:
            rng.shuffle(order)
    return " ".join(order), set(facts.by_sorted_words[tuple(sorted(name))])


def _partial(doc: SearchDocument, facts: Facts, rng: random.Random) -> tuple[str, set[str]] | None:
    name = facts.name_words[doc.entity_ref]
    if len(name) < 2:
        return None
    share = rng.uniform(0.4, 0.75)
    typed = [w[: max(3, math.ceil(share * len(w)))] if len(w) > 4 else w for w in name]
    if typed == name:
        return None
    expected = {
        ref
        for ref, other in facts.name_words.items()
        if len(other) == len(typed)
        and all(o.startswith(t) for o, t in zip(other, typed, strict=True))
    }
    return (" ".join(typed), expected) if len(expected) <= 2 else None


def _abbreviation(
    doc: SearchDocument, facts: Facts, rng: random.Random
) -> tuple[str, set[str]] | None:
    name = facts.name_words[doc.entity_ref]
    if len(name) >= 3 and all(w[0].isalpha() for w in name) and rng.random() < 0.4:
        query = "".join(w[0] for w in name)
        expected = {
            ref
            for ref, other in facts.name_words.items()
            if len(other) >= 2 and "".join(w[0] for w in other) == query
        }
    else:
        short = [_short(w) for w in name]
        if short == name:
            return None
        if rng.random() < 0.3:
            changed = [i for i, (w, s) in enumerate(zip(name, short, strict=True)) if w != s]
            keep = rng.choice(changed)
            short = [
                w if i == keep else s for i, (w, s) in enumerate(zip(name, short, strict=True))
            ]
            if short == name:
                return None
        query = " ".join(short)
        expected = {
            ref for ref, other in facts.name_words.items() if [_short(w) for w in other] == short
        }
    return (query, expected) if len(expected) == 1 else None


def _title(doc: SearchDocument, facts: Facts, rng: random.Random) -> tuple[str, set[str]] | None:
    title = facts.title_words[doc.entity_ref]
    if not title or sorted(title) == sorted(facts.name_words[doc.entity_ref]):
        return None
    wanted = sorted(title)
    expected = {
        ref
        for ref in facts.name_words
        if sorted(facts.title_words[ref]) == wanted or sorted(facts.name_words[ref]) == wanted
    }
    return (" ".join(title), expected) if len(expected) <= 2 else None


def _has_word(name: Sequence[str], word: str) -> bool:
    """Whether a name has ``word``, or a word that begins it or that it begins (a plural,
    say): a person typing ``partner`` may mean ``partners`` as well."""
    return any(
        other == word or other.startswith(word) or (len(other) >= 3 and word.startswith(other))
        for other in name
    )


def _tag(doc: SearchDocument, facts: Facts, rng: random.Random) -> tuple[str, set[str]] | None:
    name = facts.name_words[doc.entity_ref]
    tags = sorted(facts.tags[doc.entity_ref], key=lambda t: (facts.tag_counts[t], t))
    candidates = sorted(set(name), key=lambda w: (facts.word_counts[w], w))
    for tag in tags:
        if not _WORD.fullmatch(tag) or tag in name:
            continue
        for word in candidates:
            if len(word) < 3 or not word.isalpha():
                continue
            expected = {
                ref
                for ref, other in facts.name_words.items()
                if _has_word(other, word) and (tag in facts.tags[ref] or tag in other)
            }
            if expected == {doc.entity_ref}:
                query = f"{tag} {word}" if rng.random() < 0.5 else f"{word} {tag}"
                return query, expected
    return None


RULES: dict[str, Rule] = {
    "exact": _exact,
    "typo": _typo_rule,
    "transposed": _transposed,
    "partial": _partial,
    "abbreviation": _abbreviation,
    "title": _title,
    "tag": _tag,
}


def _round_robin(documents: Sequence[SearchDocument], rng: random.Random) -> list[SearchDocument]:
    """Subjects in an order that alternates kinds, so every kind gets queries."""
    by_kind: dict[str, list[SearchDocument]] = defaultdict(list)
    for doc in documents:
        if doc.kind.lower() != "location":
            by_kind[doc.kind.lower()].append(doc)
    for docs in by_kind.values():
        rng.shuffle(docs)
    ordered: list[SearchDocument] = []
    queues = [by_kind[kind] for kind in sorted(by_kind)]
    while any(queues):
        for queue in queues:
            if queue:
                ordered.append(queue.pop())
    return ordered


def derive(documents: Sequence[SearchDocument], per_category: int, seed: int) -> list[Labelled]:
    """Labelled queries of every category, ``per_category`` at most each."""
    facts = Facts.of(documents)
    labels: list[Labelled] = []
    for category, rule in RULES.items():
        rng = random.Random(f"{seed}:{category}")
        seen: set[str] = set()
        kept = 0
        for doc in _round_robin(documents, rng):
            if kept >= per_category:
                break
            found = rule(doc, facts, rng)
            if found is None:
                continue
            query, expected = found
            if not expected or query in seen or not words(query):
                continue
            seen.add(query)
            labels.append(Labelled(category, query, tuple(sorted(expected))))
            kept += 1
    return labels


# -- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where the first right answer came, in the fuzzy search and in the baseline (0: not
    in the first :data:`DEPTH` results)."""

    corpus: str
    label: Labelled
    rank: int
    baseline_rank: int
    top: tuple[str, ...]


def _rank(found: Sequence[str], expected: Iterable[str]) -> int:
    wanted = set(expected)
    for position, ref in enumerate(found, start=1):
        if ref in wanted:
            return position
    return 0


def baseline(session: Session, query: str, ref_of: dict[str, str]) -> list[str]:
    """The catalog API's full-text filter: ``LIKE '%query%'`` over the fields, by name."""
    term = query.strip()[:200]
    if not term:
        return []
    cursor = initial_cursor(
        full_text=FullTextFilter(term, BASELINE_FIELDS),
        order_fields=(OrderField("metadata.name", "asc"),),
    )
    page = query_page(session, cursor, limit=DEPTH, count_total=False)
    return [ref_of[i] for i in page.ids if i in ref_of]


def evaluate(corpus: Corpus, labels: Sequence[Labelled]) -> list[Outcome]:
    """Run every labelled query through the fuzzy search and the baseline."""
    known = {doc.entity_ref for doc in corpus.documents}
    stale = sorted({ref for x in labels for ref in x.expected if ref not in known})
    if stale:
        raise SystemExit(
            f"{corpus.name}: labelled entities missing from the catalog (run --regenerate?): "
            + ", ".join(stale[:10])
        )
    ref_of = {doc.entity_id: doc.entity_ref for doc in corpus.documents}
    outcomes = []
    with corpus.sessions() as session:
        for label in labels:
            hits = corpus.search.index.search(label.query, limit=DEPTH).hits
            found = [hit.entity_ref for hit in hits]
            substring = baseline(session, label.query, ref_of)
            outcomes.append(
                Outcome(
                    corpus.name,
                    label,
                    _rank(found, label.expected),
                    _rank(substring, label.expected),
                    tuple(found[:3]),
                )
            )
    return outcomes


@dataclass(frozen=True, slots=True)
class Figures:
    """Top-1 accuracy and mean reciprocal rank of a group of outcomes."""

    count: int
    top1: float
    mrr: float
    baseline_top1: float
    baseline_mrr: float

    @classmethod
    def of(cls, outcomes: Sequence[Outcome]) -> Figures:
        """The figures of ``outcomes``."""
        n = len(outcomes)
        if n == 0:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        return cls(
            n,
            sum(o.rank == 1 for o in outcomes) / n,
            sum(1 / o.rank for o in outcomes if o.rank) / n,
            sum(o.baseline_rank == 1 for o in outcomes) / n,
            sum(1 / o.baseline_rank for o in outcomes if o.baseline_rank) / n,
        )


def _row(name: str, figures: Figures) -> str:
    return (
        f"{name:<26} {figures.count:>5}  {figures.top1:>6.3f} {figures.mrr:>6.3f}   "
        f"{figures.baseline_top1:>9.3f} {figures.baseline_mrr:>7.3f}"
    )


def report(outcomes: Sequence[Outcome], *, show_misses: bool) -> bool:
    """Print the tables; returns whether the overall targets are met."""
    header = f"{'':<26} {'n':>5}  {'top-1':>6} {'MRR':>6}   {'substr top-1':>9} {'MRR':>7}"
    print(header)
    print("-" * len(header))
    corpora = sorted({o.corpus for o in outcomes}, key=("synthetic", "real", "examples").index)
    for corpus in corpora:
        mine = [o for o in outcomes if o.corpus == corpus]
        for category in CATEGORIES:
            group = [o for o in mine if o.label.category == category]
            if group:
                print(_row(f"{corpus} / {category}", Figures.of(group)))
        print(_row(f"{corpus} (all)", Figures.of(mine)))
        print()
    for category in CATEGORIES:
        group = [o for o in outcomes if o.label.category == category]
        if group:
            print(_row(f"all / {category}", Figures.of(group)))
    overall = Figures.of(outcomes)
    print("-" * len(header))
    print(_row("overall", overall))
    top1_ok = overall.top1 >= TOP1_TARGET
    mrr_ok = overall.mrr >= MRR_TARGET
    print(
        f"\ntargets: top-1 >= {TOP1_TARGET:.2f} {'PASS' if top1_ok else 'MISS'}, "
        f"MRR >= {MRR_TARGET:.2f} {'PASS' if mrr_ok else 'MISS'}"
    )
    if show_misses:
        print("\nqueries whose first result is not a right answer:")
        for o in outcomes:
            if o.rank != 1:
                print(
                    f"  [{o.corpus}/{o.label.category}] {o.label.query!r}: rank {o.rank or '-'}; "
                    f"expected {', '.join(o.label.expected)}; got {', '.join(o.top)}"
                )
    return top1_ok and mrr_ok


# -- command line ---------------------------------------------------------------------------


def _label_file(corpus: str) -> Path:
    return LABELS_DIR / f"{corpus}.tsv"


def regenerate(work_dir: Path, entities: int, seed: int) -> None:
    """Derive the labels of the synthetic and real corpora again and write them."""
    for name in ("synthetic", "real"):
        header = {"entities": str(entities), "seed": str(seed)} if name == "synthetic" else {}
        header["derived"] = f"python -m bench.relevance_bench --regenerate (seed {seed})"
        corpus = load_corpus(name, work_dir, header)
        try:
            labels = derive(corpus.documents, PER_CATEGORY[name], seed)
        finally:
            corpus.close()
        write_labels(_label_file(name), labels, header)
        counts = Counter(x.category for x in labels)
        print(f"{name}: {len(labels)} queries ({', '.join(f'{k} {v}' for k, v in counts.items())})")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.relevance_bench", description="Relevance of catalog search."
    )
    parser.add_argument("--regenerate", action="store_true", help="derive the labels again")
    parser.add_argument(
        "--entities", type=int, default=SYNTHETIC_ENTITIES, help="with --regenerate"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="with --regenerate")
    parser.add_argument("--corpus", action="append", choices=("synthetic", "real", "examples"))
    parser.add_argument("--show-misses", action="store_true", help="list the queries missed")
    parser.add_argument("--work-dir", type=Path, help="where catalogs and databases go")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.relevance_bench``."""
    args = parse_args(argv)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="callboard-relevance-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        if args.regenerate:
            regenerate(work_dir / "derive", args.entities, args.seed)
        outcomes: list[Outcome] = []
        for name in args.corpus or ("synthetic", "real", "examples"):
            labels, header = read_labels(_label_file(name))
            corpus = load_corpus(name, work_dir, header)
            try:
                print(f"{name}: {len(corpus.documents)} entities, {len(labels)} queries")
                outcomes.extend(evaluate(corpus, labels))
            finally:
                corpus.close()
        print()
        met = report(outcomes, show_misses=args.show_misses)
    finally:
        if args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
