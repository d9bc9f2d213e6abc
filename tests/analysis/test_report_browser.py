"""The report in headless Chromium: filter the trials, open trajectories (a ReAct run, a
best-of-n search tree, a plan DAG, an imported SWE-agent run, a hostile one), check what is
shown, and save a screenshot.

Chromium is the distribution's (/usr/bin/chromium), driven by playwright. Without it the test
skips, unless AGENTLAB_REQUIRE_BROWSER=1 (CI), where it fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_runs import (
    EVIL,
    FIXTURES,
    OS_TASKS,
    hostile_trajectory,
    make_run,
    records,
    row,
    trial_data,
)

from agentlab import Campaign, load_tasks, write_report
from agentlab.analysis.importers import import_files, import_swe_agent

CHROMIUM = Path("/usr/bin/chromium")
PARALLEL_TOOLS = OS_TASKS.parents[1] / "parallel_tools" / "tasks"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

pytestmark = pytest.mark.slow


def need_chromium() -> None:
    if not CHROMIUM.is_file():
        why = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("AGENTLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"AGENTLAB_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)


async def test_the_report_in_a_browser(tmp_path: Path) -> None:
    need_chromium()
    run = tmp_path / "run"
    os_tasks = load_tasks([OS_TASKS])[:2]
    await Campaign(
        os_tasks, ["react", "best_of_n:n=2"], ["sim/0.6"], out=run, sandbox="local"
    ).run()
    dag_task = load_tasks([PARALLEL_TOOLS / "city-density-pair"])
    await Campaign(dag_task, ["dag"], ["sim/0.9"], out=run, sandbox="local").run()
    import_files(import_swe_agent, sorted((FIXTURES / "swe-agent").iterdir()), run)
    make_run(run, [(row("hostile", f"task-{EVIL[0]}", "sim/0.5", status="finished",
                        passed=False, score=0.0, end_reason="submitted"),
                    hostile_trajectory("hostile", f"task-{EVIL[0]}", "sim/0.5"))])  # fmt: skip
    index = write_report(run)
    listed = {r["id"]: r for r in records(index)}
    by = {(r["strategy"].split(":")[0], r["task"]): r["id"] for r in listed.values()}
    react = by[("react", os_tasks[0].id)]
    best_of = by[("best_of_n", os_tasks[0].id)]
    dag = by[("dag", "city-density-pair")]
    imported = by[("swe-agent", "marshmallow-code__marshmallow-1867")]

    from playwright.async_api import Dialog, async_playwright, expect

    dialogs: list[str] = []
    errors: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("dialog", dismiss)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(index.as_uri())
        rows = page.locator("#trial-list tbody tr")
        await expect(rows).to_have_count(len(listed))

        # filters: by status, then by failure category
        await page.select_option("#status-filter", "passed")
        passed = [i for i, r in listed.items() if r["outcome"] == "passed"]
        await expect(rows).to_have_count(len(passed))
        shown = await rows.evaluate_all("rows => rows.map(r => r.dataset.id)")
        assert sorted(shown) == sorted(passed)
        await page.select_option("#status-filter", "")
        await page.select_option("#category-filter", "wrong_solution")
        wrong = [i for i, r in listed.items() if r["category"] == "wrong_solution"]
        await expect(rows).to_have_count(len(wrong))
        assert "hostile" in wrong
        await page.select_option("#category-filter", "")

        # a ReAct trajectory: its steps, tool calls, observations, scores and cost
        await page.click(f'#trial-list tr[data-id="{react}"]')
        viewer = page.locator("#viewer")
        await expect(viewer.locator(".trial-head h3")).to_contain_text(os_tasks[0].id)
        assert await page.evaluate("location.hash") == f"#trial={react}"
        recorded = trial_data(index.parent, listed[react]["file"])["trajectory"]["steps"]
        await expect(viewer.locator(".step")).to_have_count(len(recorded))
        await expect(viewer.locator(".step.tool_call .tool").first).to_have_text("bash")
        await expect(viewer.locator(".step.tool_call").first).to_contain_text("observation")
        await expect(viewer.locator("table.scores")).to_contain_text("verifier")
        await expect(viewer.locator("table.cost")).to_contain_text("policy")

        # best_of_n: its samples drawn as a tree; a click on a node opens that branch
        await page.click(f'#trial-list tr[data-id="{best_of}"]')
        tree = viewer.locator("svg.drawing.tree")
        await expect(tree.locator("g.node")).to_have_count(3)
        await tree.locator("g.node.link").nth(1).click()
        await expect(viewer.locator("#branch-1")).to_have_attribute("open", "")
        await expect(viewer.locator("#branch-1 .step").first).to_be_visible()

        # the dag strategy: a deep link opens it, its plan drawn as a DAG, critical path marked
        await page.goto(f"{index.as_uri()}#trial={dag}")
        plan = page.locator("#viewer svg.drawing.dag")
        await expect(plan.locator("g.node")).to_have_count(7)
        assert await plan.locator("g.node.critical").count() >= 2
        await expect(viewer).to_contain_text("critical path")

        # an imported SWE-agent trajectory: its patch as a coloured diff
        await page.click(f'#trial-list tr[data-id="{imported}"]')
        await expect(viewer.locator(".trial-head")).to_contain_text("unjudged")
        await expect(viewer.locator("pre.diff .add").first).to_be_visible()

        # markup a model or a sandbox wrote shows as text, and runs nothing
        await page.click('#trial-list tr[data-id="hostile"]')
        await expect(viewer.locator(".message.assistant pre").first).to_have_text(EVIL[0])
        await expect(viewer.locator(".step.tool_call")).to_contain_text(EVIL[1])
        await expect(viewer.locator("table.scores")).to_contain_text(EVIL[0])
        assert await viewer.locator("img, script").count() == 0
        assert (await page.locator("#trial-list").inner_text()).count(f"task-{EVIL[0]}") == 1

        screenshot = tmp_path / "report.png"
        await page.screenshot(path=str(screenshot), full_page=True)
        await browser.close()
    assert screenshot.stat().st_size > 10_000
    assert dialogs == [] and errors == []
