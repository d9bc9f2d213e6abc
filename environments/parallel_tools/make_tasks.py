"""Writes the parallel_tools tasks: `python -m environments.parallel_tools.make_tasks`.

Every task is a question about a small fictional world of its own (cities, countries, companies
and their founders) whose facts only `./lookup` knows, so no model can answer from memory. The
world and the entities a question names are drawn from `random.Random(f"{SEED}:{task id}")`,
so every run writes the same files (tests/environments/test_parallel_tools.py checks that the
committed tasks are what this writes).

A question is built as plan nodes, each a shell command made of text and earlier nodes'
outputs, and the builder works each node's output out as it goes. From the nodes come both
oracles: `solution/plan.txt` (the DAG, `$N` where an output goes) and `solution/solve.sh` (the
same commands in the same order with the outputs written in, one step per paragraph).
"""

from __future__ import annotations

import json
import random
import runpy
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SEED = 2025
FAMILY = Path(__file__).parent
TOOLS = ("lookup", "calc")
LATENCY_S = (0.2, 1.0)  # a lookup's fixed latency is drawn from this range, per key
evaluate: Callable[[str], str] = runpy.run_path(str(FAMILY / "tools" / "calc"))["evaluate"]

CITY_HEADS = ("vel", "os", "har", "bren", "kal", "mor", "tir", "quel", "dun", "sar", "lis",
              "vor", "nal", "ash", "cor", "eld")  # fmt: skip
CITY_TAILS = ("mark", "trin", "port", "holm", "ford", "vale", "stad", "by", "grad", "mouth")
COUNTRY_HEADS = ("nor", "val", "ist", "kar", "bel", "tam", "orv", "sel", "lun", "ard")
COUNTRY_TAILS = ("via", "land", "ora", "heim", "esia")
CURRENCIES = ("crown", "florin", "thaler", "dinar", "mark", "real", "lira", "ducat")
COMPANY_HEADS = ("kestrel", "ironpine", "bluefen", "copperleaf", "northwind", "redmoss",
                 "stonegate", "lumen", "quill", "saltmarsh", "oakhollow")  # fmt: skip
COMPANY_TAILS = ("labs", "works", "systems", "foods", "motors", "textiles", "freight")
FIRST_NAMES = ("ilsa", "tomas", "mira", "oskar", "lena", "piet", "ada", "joran", "sanne", "emil",
               "vera", "kasimir")  # fmt: skip
LAST_NAMES = ("marrow", "falk", "brandt", "okafor", "lindqvist", "moreau", "castel", "ivers",
              "holt", "renard")  # fmt: skip

ATTRIBUTES = """\
Attributes: a city's `population`, `area_km2` and `country`; a country's `capital` and
`currency`; a company's `hq_city` (where its headquarters are), `employees`, `revenue_musd`
(yearly revenue in millions of US dollars), `founded` (a year) and `founder`; a person's `born`
(a year) and `born_in` (a city). A fact that names a city, country, company or person is the
prefix of that entity's keys: `./lookup $(./lookup {company}.hq_city).population` works."""


@dataclass(frozen=True)
class World:
    """Everything `./lookup` knows in one task: fact keys `ENTITY.ATTRIBUTE` and their values."""

    facts: dict[str, str]
    cities: list[str]
    countries: list[str]
    companies: list[str]

    def number(self, key: str) -> float:
        return float(self.facts[key])


def _names(rng: random.Random, heads: Sequence[str], tails: Sequence[str], n: int,
           sep: str = "") -> list[str]:  # fmt: skip
    return [sep.join(pair) for pair in rng.sample([(h, t) for h in heads for t in tails], n)]


def make_world(rng: random.Random) -> World:
    """10 cities in 4 countries (each with a capital and a currency), 7 companies, 7 founders."""
    cities = _names(rng, CITY_HEADS, CITY_TAILS, 10)
    countries = _names(rng, COUNTRY_HEADS, COUNTRY_TAILS, 4)
    companies = _names(rng, COMPANY_HEADS, COMPANY_TAILS, 7, "-")
    people = _names(rng, FIRST_NAMES, LAST_NAMES, 7, "-")
    facts: dict[str, str] = {}
    # the first cities go one to each country, so every country has one
    home = {c: countries[i] if i < len(countries) else rng.choice(countries)
            for i, c in enumerate(cities)}  # fmt: skip
    for city in cities:
        facts[f"{city}.population"] = str(rng.randint(40_000, 3_000_000))
        facts[f"{city}.area_km2"] = str(round(rng.uniform(30, 900), 1))
        facts[f"{city}.country"] = home[city]
    for country, currency in zip(countries, rng.sample(CURRENCIES, len(countries)), strict=True):
        facts[f"{country}.capital"] = rng.choice([c for c in cities if home[c] == country])
        facts[f"{country}.currency"] = currency
    for company, founder in zip(companies, people, strict=True):
        founded = rng.randint(1880, 2012)
        facts[f"{company}.hq_city"] = rng.choice(cities)
        facts[f"{company}.employees"] = str(rng.randint(150, 60_000))
        facts[f"{company}.revenue_musd"] = str(round(rng.uniform(15, 8000), 1))
        facts[f"{company}.founded"] = str(founded)
        facts[f"{company}.founder"] = founder
        facts[f"{founder}.born"] = str(founded - rng.randint(21, 58))
        facts[f"{founder}.born_in"] = rng.choice(cities)
    return World(facts, cities, countries, companies)


Part = str | int
"""A piece of a node's command: text, or the number of an earlier node whose output goes there."""


@dataclass(frozen=True)
class Node:
    parts: tuple[Part, ...]
    output: str


@dataclass
class Builder:
    """A question's nodes in plan order, each with the output it gives."""

    world: World
    nodes: list[Node] = field(default_factory=list)

    def fill(self, parts: Sequence[Part]) -> str:
        return "".join(p if isinstance(p, str) else self.nodes[p - 1].output for p in parts)

    def add(self, parts: Sequence[Part], output: str) -> int:
        merged: list[Part] = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        self.nodes.append(Node(tuple(merged), output))
        return len(self.nodes)

    def lookup(self, *key: Part) -> int:
        return self.add(("./lookup ", *key), self.world.facts[self.fill(key)])

    def calc(self, *expr: Part) -> int:
        return self.add(("./calc '", *expr, "'"), evaluate(self.fill(expr)))

    def pick(self, pairs: Sequence[tuple[Part, int]], largest: bool) -> int:
        """The name whose value is the largest (or smallest): `echo NAME VALUE ... | sort`."""
        parts: list[Part] = ["echo"]
        for name, value in pairs:
            parts += [" ", name, " ", value]
        parts.append(f" | xargs -n2 | sort -k2 -g | {'tail' if largest else 'head'} -n1"
                     " | cut -d' ' -f1")  # fmt: skip
        values = {self.fill([name]): float(self.fill([value])) for name, value in pairs}
        return self.add(parts, (max if largest else min)(values, key=values.__getitem__))


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # "number" or "name"
    shape: str
    thought: str
    nodes: list[Node]


def _clear_winner(values: Sequence[float], largest: bool, margin: float = 0.03) -> bool:
    """The best value beats the runner-up by `margin` (relative), so the answer is unambiguous."""
    ranked = sorted(values, reverse=largest)
    return abs(ranked[0] - ranked[1]) >= margin * abs(ranked[0])


def _draw(rng: random.Random, pool: Sequence[str], k: int, ok: Callable[[list[str]], bool]
          ) -> list[str]:  # fmt: skip
    for _ in range(1000):
        chosen = rng.sample(list(pool), k)
        if ok(chosen):
            return chosen
    raise ValueError(f"no {k} of {list(pool)} satisfy the question's constraint")


def _listed(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def density_compare(world: World, rng: random.Random, k: int) -> Question:
    def density(city: str) -> float:
        return world.number(f"{city}.population") / world.number(f"{city}.area_km2")

    cities = _draw(rng, world.cities, k, lambda cs: _clear_winner([density(c) for c in cs], True))
    b = Builder(world)
    looked = [(b.lookup(f"{c}.population"), b.lookup(f"{c}.area_km2")) for c in cities]
    densities = [b.calc(pop, " / ", area) for pop, area in looked]
    b.pick(list(zip(cities, densities, strict=True)), largest=True)
    return Question(
        text=f"Which of these cities has the highest population density (residents per km²): "
        f"{_listed(cities)}?",
        kind="name",
        shape="fan-in",
        thought=f"the {2 * k} lookups are independent; each density needs its city's two, the "
        "comparison every density",
        nodes=b.nodes,
    )


def revenue_per_employee(world: World, rng: random.Random, k: int) -> Question:
    def per_head(company: str) -> float:
        return world.number(f"{company}.revenue_musd") / world.number(f"{company}.employees")

    companies = _draw(rng, world.companies, k,
                      lambda cs: _clear_winner([per_head(c) for c in cs], True))  # fmt: skip
    b = Builder(world)
    looked = [(b.lookup(f"{c}.revenue_musd"), b.lookup(f"{c}.employees")) for c in companies]
    ratios = [b.calc(rev, " * 1000000 / ", staff) for rev, staff in looked]
    b.pick(list(zip(companies, ratios, strict=True)), largest=True)
    return Question(
        text=f"Which of these companies has the highest yearly revenue per employee: "
        f"{_listed(companies)}?",
        kind="name",
        shape="fan-in",
        thought=f"the {2 * k} lookups are independent; each ratio needs its company's two, the "
        "comparison every ratio",
        nodes=b.nodes,
    )


def capital_population(world: World, rng: random.Random) -> Question:
    company = rng.choice(world.companies)
    b = Builder(world)
    city = b.lookup(f"{company}.hq_city")
    country = b.lookup(city, ".country")
    capital = b.lookup(country, ".capital")
    b.lookup(capital, ".population")
    return Question(
        text=f"How many people live in the capital of the country where {company} has its "
        "headquarters?",
        kind="number",
        shape="chain",
        thought="each lookup's key comes from the one before: a chain, nothing to overlap",
        nodes=b.nodes,
    )


def founder_currency(world: World, rng: random.Random) -> Question:
    company = rng.choice(world.companies)
    b = Builder(world)
    founder = b.lookup(f"{company}.founder")
    city = b.lookup(founder, ".born_in")
    country = b.lookup(city, ".country")
    b.lookup(country, ".currency")
    return Question(
        text=f"Which currency is used in the country where the founder of {company} was born?",
        kind="name",
        shape="chain",
        thought="each lookup's key comes from the one before: a chain, nothing to overlap",
        nodes=b.nodes,
    )


def hq_density(world: World, rng: random.Random) -> Question:
    company = rng.choice(world.companies)
    return _density(world, f"{company}.hq_city", f"the city where {company} has its headquarters",
                    "the city")  # fmt: skip


def capital_density(world: World, rng: random.Random) -> Question:
    country = rng.choice(world.countries)
    return _density(world, f"{country}.capital", f"the capital of {country}", "the capital")


def _density(world: World, key: str, place: str, first: str) -> Question:
    """The density of the city found under `key`: one lookup, then two at once, then a division."""
    b = Builder(world)
    city = b.lookup(key)
    b.calc(b.lookup(city, ".population"), " / ", b.lookup(city, ".area_km2"))
    return Question(
        text=f"What is the population density (residents per km², population divided by area) of "
        f"{place}?",
        kind="number",
        shape="diamond",
        thought=f"{first} first; then its population and area at once; then the division",
        nodes=b.nodes,
    )


def founder_age(world: World, rng: random.Random) -> Question:
    company = rng.choice(world.companies)
    b = Builder(world)
    founder = b.lookup(f"{company}.founder")
    founded = b.lookup(f"{company}.founded")
    b.calc(founded, " - ", b.lookup(founder, ".born"))
    return Question(
        text=f"How old was the founder of {company} in the year {company} was founded (the "
        "founding year minus the founder's birth year)?",
        kind="number",
        shape="parallel-chains",
        thought="the founding year does not wait for the founder's birth year",
        nodes=b.nodes,
    )


def total_employees(world: World, rng: random.Random, k: int) -> Question:
    companies = rng.sample(world.companies, k)
    b = Builder(world)
    staff: list[Part] = [b.lookup(f"{c}.employees") for c in companies]
    terms: list[Part] = []
    for n in staff:
        terms += [" + ", n] if terms else [n]
    b.calc(*terms)
    return Question(
        text=f"How many people do {_listed(companies)} employ in total?",
        kind="number",
        shape="fan-in",
        thought=f"the {k} lookups are independent; one sum at the end",
        nodes=b.nodes,
    )


def hq_population_gap(world: World, rng: random.Random) -> Question:
    def population(company: str) -> float:
        return world.number(f"{world.facts[f'{company}.hq_city']}.population")

    first, second = _draw(rng, world.companies, 2,
                          lambda cs: population(cs[0]) > population(cs[1]))  # fmt: skip
    b = Builder(world)
    cities = [b.lookup(f"{first}.hq_city"), b.lookup(f"{second}.hq_city")]
    big, small = (b.lookup(city, ".population") for city in cities)
    b.calc(big, " - ", small)
    return Question(
        text=f"How many more people live in the city where {first} has its headquarters than in "
        f"the city where {second} has its headquarters?",
        kind="number",
        shape="parallel-chains",
        thought="two chains (company, city, population) side by side, then one subtraction",
        nodes=b.nodes,
    )


def earliest_founder(world: World, rng: random.Random, k: int) -> Question:
    def born(company: str) -> float:
        return world.number(f"{world.facts[f'{company}.founder']}.born")

    companies = _draw(rng, world.companies, k,
                      lambda cs: len({born(c) for c in cs}) == k)  # fmt: skip
    b = Builder(world)
    founders = [b.lookup(f"{c}.founder") for c in companies]
    years = [b.lookup(f, ".born") for f in founders]
    b.pick(list(zip(founders, years, strict=True)), largest=False)
    return Question(
        text=f"Of the founders of {_listed(companies)}, who was born first?",
        kind="name",
        shape="parallel-chains",
        thought=f"{k} chains (company, founder, birth year) side by side, then one comparison",
        nodes=b.nodes,
    )


def capitals_population(world: World, rng: random.Random) -> Question:
    def country(company: str) -> str:
        return world.facts[f"{world.facts[f'{company}.hq_city']}.country"]

    companies = _draw(rng, world.companies, 2, lambda cs: country(cs[0]) != country(cs[1]))
    b = Builder(world)
    cities = [b.lookup(f"{c}.hq_city") for c in companies]
    countries = [b.lookup(city, ".country") for city in cities]
    capitals = [b.lookup(c, ".capital") for c in countries]
    first, second = (b.lookup(c, ".population") for c in capitals)
    b.calc(first, " + ", second)
    return Question(
        text=f"What is the combined population of the capitals of the two countries where "
        f"{companies[0]} and {companies[1]} have their headquarters?",
        kind="number",
        shape="parallel-chains",
        thought="two chains of four lookups (city, country, capital, population) side by side, "
        "then one sum",
        nodes=b.nodes,
    )


QUESTIONS: dict[str, Callable[[World, random.Random], Question]] = {
    "city-density-pair": lambda w, r: density_compare(w, r, 2),
    "city-density-three": lambda w, r: density_compare(w, r, 3),
    "city-density-four": lambda w, r: density_compare(w, r, 4),
    "revenue-per-employee-three": lambda w, r: revenue_per_employee(w, r, 3),
    "hq-capital-population": capital_population,
    "founder-home-currency": founder_currency,
    "hq-density": hq_density,
    "capital-density": capital_density,
    "founder-age-at-founding": founder_age,
    "total-employees-four": lambda w, r: total_employees(w, r, 4),
    "total-employees-six": lambda w, r: total_employees(w, r, 6),
    "hq-population-gap": hq_population_gap,
    "earliest-born-founder": lambda w, r: earliest_founder(w, r, 3),
    "capitals-combined-population": capitals_population,
}


def difficulty(nodes: int) -> str:
    """By DAG size: up to 4 nodes easy, up to 7 medium, more hard."""
    return "easy" if nodes <= 4 else "medium" if nodes <= 7 else "hard"


def plan_text(question: Question) -> str:
    lines = [f"Thought: {question.thought}."]
    for index, node in enumerate(question.nodes, 1):
        command = " + ".join(json.dumps(p) if isinstance(p, str) else f"${p}" for p in node.parts)
        lines.append(f"{index}. shell(command={command})")
    lines.append(f"{len(question.nodes) + 1}. join()")
    return "\n".join(lines) + "\n"


def solve_script(question: Question) -> str:
    """The nodes in plan order with their inputs written in; all but the last print to stderr."""
    outputs = [node.output for node in question.nodes]
    steps = ["".join(p if isinstance(p, str) else outputs[p - 1] for p in node.parts)
             for node in question.nodes]  # fmt: skip
    steps = [f"{step} >&2" for step in steps[:-1]] + steps[-1:]
    header = ("#!/bin/bash\n# The oracle, one step per paragraph. Every step but the last prints "
              "to stderr,\n# so the script prints only the answer.\n")  # fmt: skip
    return header + "".join(f"\n{step}\n" for step in steps)


def instruction(question: Question, world: World) -> str:
    answer = ("the number alone (within 0.1% counts)" if question.kind == "number"
              else "the name alone, exactly as `./lookup` writes it")  # fmt: skip
    # the examples name entities the question does not lead to, so they give nothing away
    seen = " ".join(f"{node.parts} {node.output}" for node in question.nodes) + question.text
    city = next(c for c in world.cities if c not in seen)
    company = next(c for c in world.companies if c not in seen)
    return f"""{question.text}

## Tools

- `./lookup KEY` prints one fact. A key is `ENTITY.ATTRIBUTE`, such as `{city}.population`;
  `./lookup --keys` lists every key. Each lookup takes 0.2 to 1 second.
- `./calc EXPR` prints the value of an arithmetic expression, such as `./calc '(3 + 4) * 2'`
  (quote it: the shell would expand `*`).

{ATTRIBUTES.format(company=company)}

Lookups that do not depend on each other can run at the same time.

Your final answer: {answer}.
"""


TASK_TOML = """family = "parallel_tools"
difficulty = "{difficulty}"
tags = ["{shape}", "question", "lookup"]

[agent]
timeout_sec = 300
wants_answer = true

[verifier]
timeout_sec = 30
"""


def write_task(root: Path, task_id: str, make: Callable[[World, random.Random], Question]) -> None:
    rng = random.Random(f"{SEED}:{task_id}")
    world = make_world(rng)
    question = make(world, rng)
    latency = {key: round(rng.uniform(*LATENCY_S), 2) for key in sorted(world.facts)}
    data = {key: {"value": world.facts[key], "latency_s": latency[key]} for key in latency}
    task = root / task_id
    for folder in ("environment", "solution", "tests"):
        (task / folder).mkdir(parents=True)
    (task / "task.toml").write_text(
        TASK_TOML.format(difficulty=difficulty(len(question.nodes)), shape=question.shape)
    )
    (task / "instruction.md").write_text(instruction(question, world))
    for name in TOOLS:  # copies: a workspace gets symlinks as they are, which would dangle
        shutil.copy2(FAMILY / "tools" / name, task / "environment" / name)
    entries = ",\n".join(f" {json.dumps(key)}: {json.dumps(fact)}" for key, fact in data.items())
    (task / "environment/data.json").write_text(f"{{\n{entries}\n}}\n")
    (task / "solution/solve.sh").write_text(solve_script(question))
    (task / "solution/solve.sh").chmod(0o755)
    (task / "solution/plan.txt").write_text(plan_text(question))
    expected = {"answer": question.nodes[-1].output, "kind": question.kind}
    (task / "tests/expected.json").write_text(json.dumps(expected) + "\n")
    (task / "tests/test.sh").symlink_to("../../../verify.sh")


def write_tasks(root: Path) -> None:
    """Writes every task under `root`, replacing what was there."""
    shutil.rmtree(root, ignore_errors=True)
    for task_id, make in QUESTIONS.items():
        write_task(root, task_id, make)


if __name__ == "__main__":
    write_tasks(FAMILY / "tasks")
