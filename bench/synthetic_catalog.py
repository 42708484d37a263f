"""A deterministic generator of realistic Backstage catalogs, for benchmarks.

The catalog looks like a mid-size company's: an organisation tree of Groups (org,
departments, teams) and Users in ``org.yaml``; one folder per department holding its
Domains; one folder per owning team holding a multi-document ``catalog-info.yaml`` with the
team's Systems and their Components, APIs and Resources. A root ``all.yaml`` Location
points at ``org.yaml`` and globs ``./teams/**/catalog-info.yaml``.

Usage::

    python -m bench.synthetic_catalog OUT_DIR --entities 100000 [--seed 7] [--no-git]
"""

from __future__ import annotations

import argparse
import math
import random
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

API_VERSION = "backstage.io/v1alpha1"
ORG_NAME = "acme"
EMAIL_DOMAIN = "acme.example"
ENTITIES_PER_TEAM_FILE = 50
"""Average number of documents in a team's ``catalog-info.yaml`` (about 2,000 files at 100k)."""
SAMPLE_SIZE = 1000
MIN_ENTITIES = 20


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SHARES = {
    "Component": 0.55,
    "API": 0.15,
    "Resource": 0.10,
    "User": 0.10,
    "Group": 0.05,
    "System": 0.03,
    "Domain": 0.02,
}

BUSINESS = _words(
    """
    payments billing checkout orders inventory catalog search shipping fulfilment identity
    accounts notifications messaging analytics reporting pricing promotions loyalty reviews
    recommendations fraud risk compliance ledger invoicing subscriptions onboarding support
    returns warehouse logistics media content marketing ads experiments platform
    observability data ml security storage networking tax refunds wallet partners merchants
    customers sellers delivery routing maps booking scheduling chat documents insurance
    lending treasury
    """
)
NOUNS = _words(
    """
    ledger gateway router engine store registry tracker scheduler indexer aggregator
    resolver validator processor dispatcher collector exporter importer sync cache broker
    planner scorer matcher profile session token events stream batch jobs portal console
    dashboard admin feed graph vault audit quota limits config flags rules pipeline ingest
    archive snapshot reconciler notifier orchestrator allocator forecaster classifier
    enricher mapper renderer uploader converter monitor balancer
    """
)
QUALIFIERS = _words(
    """
    core edge internal public legacy next lite bulk realtime async global regional partner
    mobile secure shared v2 beta
    """
)
DEPARTMENTS = _words(
    """
    commerce finance growth infrastructure data-science security-engineering mobile
    marketplace operations customer-experience enterprise developer-experience trust-safety
    media-platform fintech supply-chain
    """
)
REGIONS = _words(
    """
    emea amer apac latam nordics dach uk anz
    """
)
TEAM_NICKNAMES = _words(
    """
    falcons otters pandas foxes owls lynx ravens wolves badgers herons orcas bison cobras
    dolphins eagles geckos hawks ibis jaguars koalas lemurs marmots narwhals ocelots pumas
    quokkas rhinos sharks tigers vipers walruses yaks zebras core infra squad crew guild
    studio labs works ops
    """
)
FIRST_NAMES = _words(
    """
    ada alan alice amir ana anna arjun ben bianca carla chen chloe daniel david diego elena
    emma eric fatima felix grace hana hugo ines ivan jack james jana joao julia kai karim
    kenji lars laura leo lina lucas maria marta max maya mei mia nadia nina noah olga omar
    oscar paula pedro priya rahul rosa ryan sara sofia tariq tom uma victor yara yusuf zoe
    zara
    """
)
LAST_NAMES = _words(
    """
    smith garcia muller rossi kim nguyen patel silva kowalski jensen novak tanaka ivanova
    dubois schmidt lopez martin khan wang li brown costa fischer weber moreau larsen berg
    horvat popescu sato suzuki yilmaz demir haddad mensah okafor adeyemi santos ferreira
    romano ricci bauer wagner hoffmann nilsson lindqvist virtanen korhonen murphy kelly
    walsh oconnor reid campbell evans hughes singh sharma gupta chowdhury rahman hassan ali
    cohen levi
    """
)
LANGUAGE_TAGS = _words(
    """
    java python go typescript kotlin rust scala ruby
    """
)
TECH_TAGS = _words(
    """
    grpc kafka rest graphql postgres redis react spring django kubernetes terraform aws gcp
    elasticsearch rabbitmq websocket
    """
)
VERBS = (
    "manages",
    "tracks",
    "computes",
    "serves",
    "stores",
    "validates",
    "routes",
    "aggregates",
    "publishes",
    "reconciles",
    "indexes",
    "exposes",
    "schedules",
    "renders",
    "audits",
)
OBJECTS = (
    "transactions",
    "orders",
    "customer profiles",
    "invoices",
    "shipments",
    "events",
    "price quotes",
    "feature flags",
    "search queries",
    "reports",
    "notifications",
    "refund requests",
    "payouts",
    "sessions",
    "documents",
    "product listings",
    "tax rates",
)
AUDIENCES = (
    "mobile apps",
    "internal tools",
    "partner integrations",
    "the web storefront",
    "finance operations",
    "support agents",
    "data pipelines",
    "merchants",
    "other services",
)

_NAME_CHARS = re.compile(r"[^a-z0-9-]+")
_REVISION = re.compile(r"^(?P<base>.*) \(revision (?P<count>\d+)\)$")


@dataclass(slots=True)
class CatalogLayout:
    """What :func:`generate` wrote, and what a benchmark needs to query it."""

    root: Path
    root_location: Path
    entities: int
    files: int
    git: bool
    component_names: list[str] = field(default_factory=list)
    owner_groups: list[str] = field(default_factory=list)
    search_words: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    touch_file: Path | None = None
    touch_component: str | None = None


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe YAML dumper writing multi-line strings as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_documents(documents: Sequence[dict[str, Any]]) -> str:
    """Multi-document YAML text of ``documents``, in the generator's style."""
    return yaml.dump_all(
        documents,
        Dumper=_Dumper,
        sort_keys=False,
        width=10_000,
        explicit_start=True,
        allow_unicode=True,
    )


class _Names:
    """Hands out names unique within one kind."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, candidates: Iterable[str], *, joiner: str = "-") -> str:
        first: str | None = None
        for raw in candidates:
            name = _clean(raw)
            first = first or name
            if name not in self._taken:
                self._taken.add(name)
                return name
        base = first or "entity"
        number = 2
        while f"{base}{joiner}{number}" in self._taken:
            number += 1
        name = f"{base}{joiner}{number}"
        self._taken.add(name)
        return name


def _clean(raw: str) -> str:
    name = _NAME_CHARS.sub("-", raw.lower()).strip("-")
    return name[:56].rstrip("-") or "entity"


def _title(name: str) -> str:
    return " ".join(part.capitalize() for part in re.split(r"[-.]", name) if part)


def _plan_counts(entities: int) -> dict[str, int]:
    """How many entities of each kind make ``entities`` in all (the root Location included)."""
    if entities < MIN_ENTITIES:
        raise ValueError(f"need at least {MIN_ENTITIES} entities")
    counts = {kind: max(1, math.floor(entities * share)) for kind, share in SHARES.items()}
    counts["Group"] = max(3, counts["Group"])
    counts["Location"] = 1
    counts["Component"] += entities - sum(counts.values())
    return counts


@dataclass(slots=True)
class _Team:
    name: str
    department: str
    business: str
    systems: list[_System] = field(default_factory=list)


@dataclass(slots=True)
class _System:
    name: str
    team: _Team
    domain: str
    business: str
    noun: str
    components: list[dict[str, Any]] = field(default_factory=list)
    apis: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)


class _Generator:
    def __init__(self, entities: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counts = _plan_counts(entities)
        self.names = {kind: _Names() for kind in self.counts}

    # -- organisation ---------------------------------------------------------------------

    def organisation(self) -> tuple[list[dict[str, Any]], list[_Team], dict[str, list[_Team]]]:
        rng = self.rng
        groups = self.counts["Group"]
        departments_count = max(1, min(groups - 2, round(math.sqrt(groups / 2))))
        teams_count = groups - 1 - departments_count
        group_names = self.names["Group"]
        org = group_names.take([ORG_NAME])
        departments = [
            group_names.take(
                [DEPARTMENTS[i % len(DEPARTMENTS)]]
                + [f"{DEPARTMENTS[i % len(DEPARTMENTS)]}-{r}" for r in REGIONS]
            )
            for i in range(departments_count)
        ]
        teams: list[_Team] = []
        by_department: dict[str, list[_Team]] = {d: [] for d in departments}
        for i in range(teams_count):
            department = departments[i % departments_count]
            business = rng.choice(BUSINESS)
            nicknames = rng.sample(TEAM_NICKNAMES, 4)
            name = group_names.take(f"{business}-{n}" for n in nicknames)
            team = _Team(name=name, department=department, business=business)
            teams.append(team)
            by_department[department].append(team)

        documents = [self._group(org, "organization", None, departments, "Acme Corporation")]
        for department in departments:
            documents.append(
                self._group(
                    department,
                    "department",
                    org,
                    [t.name for t in by_department[department]],
                    f"{_title(department)} Department",
                )
            )
        for team in teams:
            documents.append(
                self._group(team.name, "team", team.department, [], f"{_title(team.name)} Team")
            )
        documents.extend(self._users(teams))
        return documents, teams, by_department

    def _group(
        self, name: str, kind: str, parent: str | None, children: list[str], display: str
    ) -> dict[str, Any]:
        spec: dict[str, Any] = {"type": kind}
        spec["profile"] = {"displayName": display, "email": f"{name}@{EMAIL_DOMAIN}"}
        if parent is not None:
            spec["parent"] = parent
        spec["children"] = children
        return {
            "apiVersion": API_VERSION,
            "kind": "Group",
            "metadata": {
                "name": name,
                "title": display,
                "description": f"The {display} at Acme.",
                "annotations": {"slack.com/channel-id": self._channel_id()},
            },
            "spec": spec,
        }

    def _users(self, teams: list[_Team]) -> list[dict[str, Any]]:
        rng = self.rng
        names = self.names["User"]
        documents = []
        for i in range(self.counts["User"]):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = names.take([f"{first}.{last}"], joiner="")
            member_of = [teams[i % len(teams)].name] if teams else []
            if teams and rng.random() < 0.15:
                other = rng.choice(teams).name
                if other not in member_of:
                    member_of.append(other)
            documents.append(
                {
                    "apiVersion": API_VERSION,
                    "kind": "User",
                    "metadata": {
                        "name": name,
                        "annotations": {"github.com/user-login": name.replace(".", "-")},
                    },
                    "spec": {
                        "profile": {
                            "displayName": f"{first.capitalize()} {last.capitalize()}",
                            "email": f"{name}@{EMAIL_DOMAIN}",
                        },
                        "memberOf": member_of,
                    },
                }
            )
        return documents

    # -- domains and systems --------------------------------------------------------------

    def domains(self, by_department: dict[str, list[_Team]]) -> dict[str, list[dict[str, Any]]]:
        rng = self.rng
        departments = list(by_department)
        result: dict[str, list[dict[str, Any]]] = {d: [] for d in departments}
        names = self.names["Domain"]
        for i in range(self.counts["Domain"]):
            department = departments[i % len(departments)]
            business = rng.choice(BUSINESS)
            name = names.take([business] + [f"{business}-{q}" for q in rng.sample(QUALIFIERS, 4)])
            result[department].append(
                {
                    "apiVersion": API_VERSION,
                    "kind": "Domain",
                    "metadata": {
                        "name": name,
                        "title": _title(name),
                        "description": f"Everything about {business} in {_title(department)}.",
                        "tags": [business] if _clean(business) == business else [],
                    },
                    "spec": {"owner": department},
                }
            )
        return result

    def systems(
        self, teams: list[_Team], domains: dict[str, list[dict[str, Any]]]
    ) -> list[_System]:
        rng = self.rng
        owning = list(teams)
        rng.shuffle(owning)
        team_files = max(1, round(sum(self.counts.values()) / ENTITIES_PER_TEAM_FILE))
        owning = owning[: min(len(owning), team_files, self.counts["System"])]
        all_domains = [d["metadata"]["name"] for docs in domains.values() for d in docs]
        names = self.names["System"]
        systems = []
        for i in range(self.counts["System"]):
            team = owning[i % len(owning)]
            local = [d["metadata"]["name"] for d in domains.get(team.department, [])]
            domain = rng.choice(local or all_domains)
            business = team.business if rng.random() < 0.7 else rng.choice(BUSINESS)
            nouns = rng.sample(NOUNS, 4)
            noun = nouns[0]
            name = names.take(f"{business}-{n}" for n in nouns)
            system = _System(name=name, team=team, domain=domain, business=business, noun=noun)
            team.systems.append(system)
            systems.append(system)
        return systems

    # -- components, APIs, resources ------------------------------------------------------

    def fill(self, systems: list[_System], by_department: dict[str, list[_Team]]) -> None:
        rng = self.rng
        weights = [rng.uniform(0.4, 1.6) for _ in systems]
        api_home = rng.choices(systems, weights, k=self.counts["API"])
        resource_home = rng.choices(systems, weights, k=self.counts["Resource"])
        component_home = rng.choices(systems, weights, k=self.counts["Component"])
        for system in api_home:
            system.apis.append(self._api(system))
        for system in resource_home:
            system.resources.append(self._resource(system))
        for system in component_home:
            system.components.append(self._component(system, by_department))
        all_apis = [a["metadata"]["name"] for s in systems for a in s.apis]
        all_components = [c["metadata"]["name"] for s in systems for c in s.components]
        for system in systems:
            self._wire(system, all_apis, all_components)

    def _api(self, system: _System) -> dict[str, Any]:
        rng = self.rng
        api_type = rng.choices(("openapi", "grpc", "asyncapi"), (0.6, 0.25, 0.15))[0]
        suffix = {"openapi": "api", "grpc": "grpc", "asyncapi": "events"}[api_type]
        nouns = rng.sample(NOUNS, 3)
        name = self.names["API"].take(
            [f"{system.name}-{suffix}"] + [f"{system.business}-{n}-{suffix}" for n in nouns]
        )
        title = _title(name)
        version = f"{rng.randint(1, 4)}.{rng.randint(0, 12)}.{rng.randint(0, 20)}"
        return {
            "apiVersion": API_VERSION,
            "kind": "API",
            "metadata": {
                "name": name,
                "title": title,
                "description": f"{title}: {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                f"for {rng.choice(AUDIENCES)}.",
                "tags": sorted({suffix if suffix != "api" else "rest", system.business}),
                "annotations": {"github.com/project-slug": f"{ORG_NAME}/{system.name}"},
            },
            "spec": {
                "type": api_type,
                "lifecycle": self._lifecycle(),
                "owner": system.team.name,
                "system": system.name,
                "definition": _definition(api_type, name, title, version, system.noun),
            },
        }

    def _resource(self, system: _System) -> dict[str, Any]:
        rng = self.rng
        kind, suffixes = rng.choices(
            (
                ("database", ("db", "postgres", "mysql", "mongo")),
                ("queue", ("queue", "topic", "stream")),
                ("s3-bucket", ("bucket", "assets", "exports")),
                ("cache", ("redis", "cache")),
            ),
            (0.4, 0.3, 0.2, 0.1),
        )[0]
        nouns = rng.sample(NOUNS, 3)
        name = self.names["Resource"].take(
            [f"{system.name}-{suffixes[0]}"]
            + [f"{system.name}-{n}-{rng.choice(suffixes)}" for n in nouns]
        )
        return {
            "apiVersion": API_VERSION,
            "kind": "Resource",
            "metadata": {
                "name": name,
                "title": _title(name),
                "description": f"The {kind} behind {_title(system.name)}.",
                "tags": [kind.replace("s3-", "")],
            },
            "spec": {"type": kind, "owner": system.team.name, "system": system.name},
        }

    def _component(self, system: _System, by_department: dict[str, list[_Team]]) -> dict[str, Any]:
        rng = self.rng
        ctype = rng.choices(("service", "website", "library"), (0.6, 0.15, 0.25))[0]
        suffix = {
            "service": ("service", "api", "worker", "svc"),
            "website": ("web", "ui", "portal"),
            "library": ("lib", "sdk", "client"),
        }[ctype]
        business = system.business if rng.random() < 0.7 else rng.choice(BUSINESS)
        nouns = rng.sample(NOUNS, 3)
        quals = rng.sample(QUALIFIERS, 3)
        end = rng.choice(suffix)
        name = self.names["Component"].take(
            [f"{business}-{n}-{end}" for n in nouns]
            + [f"{business}-{q}-{n}-{end}" for q, n in zip(quals, nouns, strict=True)]
        )
        owner = system.team.name
        siblings = by_department.get(system.team.department, [])
        if siblings and rng.random() < 0.1:
            owner = rng.choice(siblings).name
        languages = rng.sample(LANGUAGE_TAGS, 1)
        tech = rng.sample(TECH_TAGS, rng.randint(1, 3))
        metadata: dict[str, Any] = {
            "name": name,
            "title": _title(name),
            "description": f"{_title(name)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"for {rng.choice(AUDIENCES)}.",
            "tags": languages + tech,
            "annotations": {
                "github.com/project-slug": f"{ORG_NAME}/{name}",
                "backstage.io/techdocs-ref": "dir:.",
                "backstage.io/source-location": f"url:https://github.com/{ORG_NAME}/{name}/tree/main/",
            },
            "links": [
                {
                    "url": f"https://github.com/{ORG_NAME}/{name}",
                    "title": "Repository",
                    "icon": "github",
                },
                {
                    "url": f"https://grafana.{EMAIL_DOMAIN}/d/{name}",
                    "title": "Dashboard",
                    "icon": "dashboard",
                },
            ],
        }
        if ctype == "service":
            metadata["annotations"]["pagerduty.com/service-id"] = "P" + "".join(
                rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=6)
            )
            metadata["labels"] = {"tier": str(rng.randint(1, 3))}
        return {
            "apiVersion": API_VERSION,
            "kind": "Component",
            "metadata": metadata,
            "spec": {
                "type": ctype,
                "lifecycle": self._lifecycle(),
                "owner": owner,
                "system": system.name,
            },
        }

    def _wire(self, system: _System, all_apis: list[str], all_components: list[str]) -> None:
        rng = self.rng
        services = [c for c in system.components if c["spec"]["type"] == "service"]
        providers = services or system.components
        for api in system.apis:
            if providers:
                provider = rng.choice(providers)
                provider["spec"].setdefault("providesApis", []).append(api["metadata"]["name"])
        resources = [r["metadata"]["name"] for r in system.resources]
        local = [c["metadata"]["name"] for c in system.components]
        for component in system.components:
            spec = component["spec"]
            own = component["metadata"]["name"]
            if all_apis and component["spec"]["type"] != "library":
                consumed = rng.sample(all_apis, min(len(all_apis), rng.randint(0, 3)))
                provided = set(spec.get("providesApis", ()))
                consumed = [a for a in consumed if a not in provided]
                if consumed:
                    spec["consumesApis"] = consumed
            depends: list[str] = []
            if resources:
                depends += [
                    f"resource:{r}"
                    for r in rng.sample(resources, min(len(resources), rng.randint(0, 2)))
                ]
            pool = local if rng.random() < 0.7 else all_components
            for other in rng.sample(pool, min(len(pool), rng.randint(0, 2))):
                if other != own:
                    depends.append(f"component:{other}")
            if depends:
                spec["dependsOn"] = depends

    def _lifecycle(self) -> str:
        return self.rng.choices(("production", "experimental", "deprecated"), (0.7, 0.2, 0.1))[0]

    def _channel_id(self) -> str:
        return "C0" + "".join(self.rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=9))


def _definition(api_type: str, name: str, title: str, version: str, noun: str) -> str:
    resource = noun.replace("-", "_")
    if api_type == "grpc":
        service = "".join(part.capitalize() for part in name.split("-"))
        return (
            'syntax = "proto3";\n'
            f"package acme.{name.replace('-', '_')}.v1;\n\n"
            f"service {service} {{\n"
            f"  rpc Get{resource.capitalize()}(Get{resource.capitalize()}Request) "
            f"returns ({resource.capitalize()});\n"
            "}\n\n"
            f"message Get{resource.capitalize()}Request {{\n  string id = 1;\n}}\n\n"
            f"message {resource.capitalize()} {{\n  string id = 1;\n  string name = 2;\n}}\n"
        )
    if api_type == "asyncapi":
        return (
            "asyncapi: 2.6.0\n"
            f"info:\n  title: {title}\n  version: {version}\n"
            "channels:\n"
            f"  {resource}.updated:\n"
            "    subscribe:\n"
            "      message:\n"
            "        payload:\n"
            "          type: object\n"
            "          properties:\n"
            "            id:\n              type: string\n"
        )
    return (
        "openapi: 3.0.3\n"
        f"info:\n  title: {title}\n  version: {version}\n"
        "paths:\n"
        f"  /{resource}s/{{id}}:\n"
        "    get:\n"
        f"      summary: Get one {resource}\n"
        "      parameters:\n"
        "        - name: id\n          in: path\n          required: true\n"
        "          schema:\n            type: string\n"
        "      responses:\n"
        "        '200':\n          description: OK\n"
        "        '404':\n          description: Not found\n"
    )


def _write(path: Path, documents: Sequence[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_documents(documents), encoding="utf-8")


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "--no-verify", "-m", message)


def generate(root: Path, entities: int, *, seed: int = 7, git: bool = True) -> CatalogLayout:
    """Write a catalog of exactly ``entities`` entities (its root Location included) at ``root``.

    ``root`` must be missing or empty. With ``git`` the folder becomes a git repository
    with one commit. The same ``entities`` and ``seed`` always give the same files.
    """
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    root.mkdir(parents=True, exist_ok=True)
    gen = _Generator(entities, seed)
    org_documents, teams, by_department = gen.organisation()
    domains = gen.domains(by_department)
    systems = gen.systems(teams, domains)
    gen.fill(systems, by_department)

    files = 0
    root_location = root / "all.yaml"
    _write(
        root_location,
        [
            {
                "apiVersion": API_VERSION,
                "kind": "Location",
                "metadata": {
                    "name": f"{ORG_NAME}-catalog",
                    "description": "Every catalog file of the Acme organisation.",
                },
                "spec": {"targets": ["./org.yaml", "./teams/**/catalog-info.yaml"]},
            }
        ],
    )
    _write(root / "org.yaml", org_documents)
    files += 2
    for department, domain_documents in domains.items():
        if domain_documents:
            _write(root / "teams" / department / "catalog-info.yaml", domain_documents)
            files += 1
    team_files: list[tuple[Path, _Team]] = []
    for team in teams:
        if not team.systems:
            continue
        documents: list[dict[str, Any]] = []
        for system in team.systems:
            documents.append(
                {
                    "apiVersion": API_VERSION,
                    "kind": "System",
                    "metadata": {
                        "name": system.name,
                        "title": _title(system.name),
                        "description": f"{_title(system.name)}: how Acme handles "
                        f"{system.business} {system.noun}.",
                        "tags": [system.business]
                        if _clean(system.business) == system.business
                        else [],
                    },
                    "spec": {"owner": team.name, "domain": system.domain},
                }
            )
            documents.extend(system.components)
            documents.extend(system.apis)
            documents.extend(system.resources)
        path = root / "teams" / team.department / team.name / "catalog-info.yaml"
        _write(path, documents)
        team_files.append((path, team))
        files += 1

    touch_file: Path | None = None
    touch_component: str | None = None
    for path, team in team_files[len(team_files) // 2 :] + team_files[: len(team_files) // 2]:
        components = [c for s in team.systems for c in s.components]
        if components:
            touch_file, touch_component = path, components[0]["metadata"]["name"]
            break

    rng = random.Random(seed + 1)
    component_names = [c["metadata"]["name"] for s in systems for c in s.components]
    owner_groups = sorted({c["spec"]["owner"] for s in systems for c in s.components})
    layout = CatalogLayout(
        root=root,
        root_location=root_location,
        entities=sum(gen.counts.values()),
        files=files,
        git=git,
        component_names=rng.sample(component_names, min(SAMPLE_SIZE, len(component_names))),
        owner_groups=owner_groups,
        search_words=sorted({*BUSINESS, *NOUNS, *LANGUAGE_TAGS, *TECH_TAGS}),
        counts=dict(gen.counts),
        touch_file=touch_file,
        touch_component=touch_component,
    )
    if git:
        _git(root, "init", "-q", "-b", "main")
        _git(root, "config", "user.name", "Catalog Bench")
        _git(root, "config", "user.email", f"catalog-bench@{EMAIL_DOMAIN}")
        _git(root, "config", "commit.gpgsign", "false")
        _commit(root, f"Synthetic catalog: {layout.entities} entities, seed {seed}")
    return layout


def touch_one_file(layout: CatalogLayout) -> Path:
    """Change one component's description in one file (committed when the catalog is a git
    repository); every call makes a new change. Returns the file's path."""
    if layout.touch_file is None or layout.touch_component is None:
        raise ValueError("this catalog has no component to change")
    path = layout.touch_file
    documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    for document in documents:
        metadata = document.get("metadata", {})
        if document.get("kind") == "Component" and metadata.get("name") == layout.touch_component:
            description = str(metadata.get("description", ""))
            match = _REVISION.match(description)
            if match:
                count = int(match.group("count")) + 1
                metadata["description"] = f"{match.group('base')} (revision {count})"
            else:
                metadata["description"] = f"{description} (revision 1)"
            break
    else:
        raise LookupError(f"component {layout.touch_component} not found in {path}")
    path.write_text(dump_documents(documents), encoding="utf-8")
    if layout.git:
        _commit(layout.root, f"Describe {layout.touch_component} better")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.synthetic_catalog OUT_DIR --entities N``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.synthetic_catalog", description="Write a synthetic Backstage catalog."
    )
    parser.add_argument("out_dir", type=Path, help="folder to create (must be missing or empty)")
    parser.add_argument("--entities", type=int, default=10_000, help="number of entities")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--no-git", action="store_true", help="do not make a git repository")
    args = parser.parse_args(argv)
    try:
        layout = generate(args.out_dir, args.entities, seed=args.seed, git=not args.no_git)
    except (ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    kinds = ", ".join(f"{count} {kind}" for kind, count in layout.counts.items())
    print(f"wrote {layout.entities} entities ({kinds}) in {layout.files} files")
    print(f"root location: {layout.root_location}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
