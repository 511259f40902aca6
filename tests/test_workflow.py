"""Issue 17: the analysts' workflow — acknowledgements (jixiao ack, 核对发现处理), uploads, evaluator scores,
报送情况 and the operation log — through the same atomic pipeline as `jixiao build`.

Every test works on a copy of a warehouse in a temporary folder; none writes into the repository
(the last test checks `git status`)."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import duckdb
import pytest
from conftest import query
from streamlit.testing.v1 import AppTest

from app.cli import main

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "dashboard" / "main.py")
HRSS = "430406-hrss"
GIT_STATUS_BEFORE = subprocess.run(
    ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
).stdout


def _copy(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / src.name
    shutil.copyfile(src, dst)
    return dst


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch):
    """Rich wraps tables at 80 columns when not on a terminal: print them wide enough to read whole."""
    import app.cli
    import app.workflow.cli

    for c in (app.cli.console, app.workflow.cli.console):
        monkeypatch.setattr(c, "width", 250)


@pytest.fixture
def wh(yanfeng_warehouse, tmp_path, monkeypatch) -> Path:
    live = _copy(yanfeng_warehouse, tmp_path / "live")
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(live))
    return live


def _warning(wh: Path, item_like: str = "%") -> tuple[str, str, int, str]:
    """(finding_id, dept_code, fiscal_year, item) of the first warning finding whose item is like `item_like`."""
    return query(
        wh,
        "select finding_id, dept_code, fiscal_year, item from marts.fct_reconciliation_findings "
        "where severity = 'warning' and item like ? order by finding_id limit 1",
        [item_like],
    )[0]


def _acks(wh: Path) -> list[tuple]:
    return query(
        wh,
        "select finding_id, status, note, acked_by from audit.finding_acks "
        "qualify row_number() over (partition by finding_id order by ack_seq desc) = 1 order by finding_id",
    )


# ---------------------------------------------------------------------------
# A. acknowledgements


def test_the_samples_known_findings_are_seeded_into_audit_not_read_from_the_repository(wh):
    """The worked example's four contradictions are acknowledged by the seed (ingest/sample/…csv), in the
    warehouse; the findings suite reads audit.finding_acks and passes."""
    acks = query(
        wh,
        "select a.check_code, a.item, a.status, a.acked_by from audit.finding_acks a "
        "join marts.fct_reconciliation_findings f using (finding_id) order by a.check_code, a.item",
    )
    assert acks == [
        ("reported_level1", "A 投入", "确认无误", "内置样例"),
        ("reported_level1", "B 过程", "确认无误", "内置样例"),
        ("reported_score", "B22 结转结余变动率", "确认无误", "内置样例"),
        ("reported_total", "总分", "确认无误", "内置样例"),
    ]
    assert not (ROOT / "expectations" / "expected_findings.csv").exists()


def test_ack_from_the_command_line_survives_a_rebuild(wh, capsys):
    fid, dept, year, item = _warning(wh)
    inode = wh.stat().st_ino
    assert main(["ack", fid[:10], "--status", "待整改", "--note", "已通知部门更正台账"]) == 0
    out = capsys.readouterr().out
    assert f"已标记为“待整改”：{fid[:12]} {dept} {year} {item}" in out
    assert "错误级核对发现：共 4 条，已处理 4 条，未处理 0 条" in out
    assert wh.stat().st_ino != inode  # swapped in, not written in place
    assert (fid, "待整改", "已通知部门更正台账", W_actor()) in _acks(wh)
    ops = query(wh, "select actor, kind, summary from audit.operations order by op_seq")
    assert ops == [(W_actor(), "ack", f"核对发现标记为“待整改”：{dept} {year} {item}")]

    # a rebuild (dbt recreates every mart, the findings with it) keeps it, by the finding's stable id
    assert main(["build", "--rebuild", "--skip-checks"]) == 0
    capsys.readouterr()
    assert (fid, "待整改", "已通知部门更正台账", W_actor()) in _acks(wh)
    assert query(
        wh, "select count(*) from marts.fct_reconciliation_findings where finding_id = ?", [fid]
    ) == [(1,)]
    assert main(["ack", "--list", "--severity", "warning"]) == 0
    listed = capsys.readouterr().out
    assert fid[:12] in listed and "待整改" in listed

    # a second acknowledgement supersedes the first; both are kept
    assert main(["ack", fid, "--status", "fixed", "--note", "部门已报送更正版"]) == 0
    assert (fid, "已整改", "部门已报送更正版", W_actor()) in _acks(wh)
    assert query(wh, "select count(*) from audit.finding_acks where finding_id = ?", [fid]) == [(2,)]


def W_actor() -> str:
    from app.workflow.actor import current_actor

    return current_actor()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["zzzzzzzzzz", "--status", "待整改", "--note", "x"],
            "找不到核对发现“zzzzzzzzzz”：它可能已随更正的提交消失",
        ),
        (["abc", "--status", "待整改", "--note", "x"], "核对发现编号“abc”太短：至少给出前 6 个字符"),
        (
            ["{fid}", "--status", "没问题", "--note", "x"],
            "处理状态“没问题”无效：应为 确认无误、已整改、待整改",
        ),
        (
            ["{fid}", "--status", "确认无误", "--note", "  "],
            "请填写处理说明（为什么确认无误、如何整改或待谁整改）",
        ),
    ],
)
def test_ack_refusals_change_nothing(wh, capsys, argv, message):
    fid = _warning(wh)[0]
    before = (wh.stat().st_ino, wh.stat().st_mtime_ns)
    assert main(["ack", *[a.replace("{fid}", fid) for a in argv]]) == 2
    assert message in capsys.readouterr().out.replace("\n", "")
    assert (wh.stat().st_ino, wh.stat().st_mtime_ns) == before


def test_the_findings_suite_reads_the_acknowledgements(wh, capsys):
    """Without acknowledgements the worked example's four errors fail findings_review; acknowledged
    (three in one command), the next check passes."""
    with contextlib.closing(duckdb.connect(str(wh))) as con:
        con.execute("delete from audit.finding_acks")
    # the seed would come back on the next build: check on a warehouse whose sample seed is not applied
    from app.workflow import hooks

    mp = pytest.MonkeyPatch()
    mp.setattr(hooks, "SAMPLE_ACKS", wh.parent / "none.csv")
    mp.setattr(hooks.seed_sample_acks, "__defaults__", (wh.parent / "none.csv",))
    try:
        assert main(["check"]) == 0
        review = query(
            wh,
            "select success, evaluated from audit.check_runs where suite = 'findings_review' order by run_at desc limit 1",
        )
        assert review == [(False, 1)]
        errors = [
            r[0]
            for r in query(
                wh,
                "select finding_id from marts.fct_reconciliation_findings where severity = 'error' order by 1",
            )
        ]
        assert len(errors) == 4
        assert main(["ack", *errors[:3], "--status", "确认无误", "--note", "报告自身的错误，已知"]) == 0
        out = capsys.readouterr().out
        assert "错误级核对发现：共 4 条，已处理 3 条，未处理 1 条" in out
        assert main(["ack", errors[3], "--status", "确认无误", "--note", "报告自身的错误，已知"]) == 0
        assert "错误级核对发现：共 4 条，已处理 4 条，未处理 0 条" in capsys.readouterr().out
    finally:
        mp.undo()
    runs = query(
        wh,
        "select success from audit.check_runs where suite = 'findings_review' order by run_at, run_id",
    )
    assert [r[0] for r in runs][-3:] == [False, False, True]


def test_an_ack_waits_for_a_running_build_and_lands_in_the_file_after_it(wh):
    """Two writers at once: a build holds the lock; the acknowledgement queues, then copies the file the
    build swapped in — neither loses the other's work."""
    from app.pipeline import build
    from app.workflow.acks import acknowledge

    fid = _warning(wh)[0]
    started = threading.Event()
    built: dict = {}

    def run_build():
        built["result"] = build([], wh, rebuild=True, run_checks=False, on_stage=lambda s: started.set())

    t = threading.Thread(target=run_build)
    t.start()
    assert started.wait(30)
    t0 = time.monotonic()
    res = acknowledge([fid], "待整改", "排队中的处理", actor="tester", warehouse=wh)
    waited = time.monotonic() - t0
    t.join(120)
    assert built["result"].swapped and res.acked[0]["finding_id"] == fid
    assert (fid, "待整改", "排队中的处理", "tester") in _acks(wh)
    # the ack's run came after the build's and started from its file: the build's run is in the ack's file
    runs = [r[0] for r in query(wh, "select run_id from audit.ingest_runs order by started_at, run_id")]
    assert runs[-2:] == [built["result"].run_id, res.run_id]
    assert waited > 1.0


# ---------------------------------------------------------------------------
# B. uploads (jixiao submit; the 上传提交 page runs the same code in a job)

DEMO = ROOT / "ingest" / "sample" / "demo"
BROKEN = ROOT / "tests" / "bad_inputs" / "amount_percent_in_money_column" / "submission"


def _zip(folder: Path, out: Path, arcnames: dict[str, str] | None = None) -> Path:
    import zipfile

    with zipfile.ZipFile(out, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, (arcnames or {}).get(f.name, f.name))
    return out


def test_submit_refuses_a_broken_zip_with_the_rows_and_keeps_it_out_of_the_store(wh, tmp_path, capsys):
    from app.workflow.submissions import store_dir

    raw_before = query(wh, "select count(*) from raw.budget_ledger")
    z = _zip(BROKEN, tmp_path / "雁峰区人社局更正.zip")
    assert main(["submit", str(z)]) == 2
    out = capsys.readouterr().out
    # the CLI's own rejects table: the submission is named after the zip, the row as ingest reports it
    assert (
        "雁峰区人社局更正" in out
        and "carryover.csv" in out
        and "121,000.00%" in out
        and "金额列不能带 %" in out
    )
    assert "1 个提交被拒绝，未导入任何数据：雁峰区人社局更正" in out
    assert query(wh, "select count(*) from raw.budget_ledger") == raw_before
    assert query(
        wh,
        "select submission_id, file, row_number, column_name, value, reason from audit.ingest_rejects "
        "where submission_id = '雁峰区人社局更正'",
    ) == [("雁峰区人社局更正", "carryover.csv", 2, "opening_balance", "121,000.00%", "金额列不能带 %")]
    store = store_dir(wh)
    assert [p.name for p in store.iterdir() if not p.name.startswith(".")] == []
    refused = list((store / ".refused").rglob("carryover.csv"))
    assert len(refused) == 1
    assert query(wh, "select kind, summary from audit.operations") == [
        ("upload", "上传 雁峰区人社局更正：已加载 0，未变化 0，已拒绝 1")
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("台账.xls", b"x", "台账.xls：不支持的文件类型 .xls，只接受 .xlsx、.xlsm、.csv、.zip"),
        ("坏.zip", b"not a zip", "坏.zip 不是有效的 ZIP 文件"),
        ("逃逸.zip", None, "逃逸.zip 中的“../budget_ledger.csv”指向解压文件夹以外，整个文件不导入"),
    ],
)
def test_submit_refuses_unsafe_or_unknown_files_before_loading(wh, tmp_path, capsys, name, content, message):
    f = tmp_path / name
    if content is None:
        _zip(BROKEN, f, {"budget_ledger.csv": "../budget_ledger.csv"})
    else:
        f.write_bytes(content)
    before = (wh.stat().st_ino, wh.stat().st_mtime_ns)
    assert main(["submit", str(f)]) == 2
    assert message in capsys.readouterr().out.replace("\n", "")
    assert (wh.stat().st_ino, wh.stat().st_mtime_ns) == before
    assert not (tmp_path / "budget_ledger.csv").exists()
    incoming = wh.parent / "submissions" / ".incoming"
    assert not incoming.exists() or list(incoming.iterdir()) == []


def test_submit_loads_a_workbook_stores_it_and_a_full_rebuild_from_the_store_has_it(wh, tmp_path, capsys):
    from app.workflow.submissions import store_dir

    assert main(["submit", str(DEMO / "430407-2021.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "430407-2021: 已加载（1354 行）" in out
    stored = store_dir(wh) / "430407-2021.xlsx"
    assert stored.read_bytes() == (DEMO / "430407-2021.xlsx").read_bytes()
    n_depts = query(wh, "select count(*) from marts.dim_department where region_code = '430407'")[0][0]
    assert n_depts == 9  # the generated demo region 430407: 9 departments in 2021
    assert query(wh, "select kind, summary from audit.operations") == [
        ("upload", "上传 430407-2021：已加载 1，未变化 0，已拒绝 0")
    ]
    # the same file again: unchanged, nothing reloaded
    assert main(["submit", str(DEMO / "430407-2021.xlsx")]) == 0
    assert "430407-2021: 未变化（已加载过）" in capsys.readouterr().out
    # a lost warehouse is rebuilt from the store (plus the sample it started from)
    fresh = tmp_path / "fresh" / "jixiao.duckdb"
    assert (
        main(
            [
                "build",
                "-w",
                str(fresh),
                "-i",
                str(ROOT / "ingest" / "sample" / "yanfeng-2023"),
                "-i",
                str(store_dir(wh)),
                "--skip-checks",
            ]
        )
        == 0
    )
    assert (
        query(fresh, "select count(*) from marts.dim_department where region_code = '430407'")[0][0]
        == n_depts
    )


def test_two_uploads_at_once_queue_and_neither_is_lost(wh, tmp_path):
    """Two upload jobs started together: the build lock runs them one after the other; the file swapped in
    last holds both (had they clashed, the second swap would have dropped the first's rows)."""
    from app.workflow import jobs
    from app.workflow import submissions as S

    started = []
    for name in ("甲", "乙"):
        z = _zip(BROKEN, tmp_path / f"{name}.zip")
        staged = S.stage([(z.name, z.read_bytes())], wh)
        params = {
            "upload_id": staged.upload_id,
            "folder": str(staged.folder),
            "submissions": [str(p) for p in staged.submissions],
        }
        started.append(jobs.start("upload", params, wh, name))
    states = [jobs.wait(j, 600) for j in started]
    assert [s["state"] for s in states] == ["done", "done"], states
    runs = {s["result"]["run_id"] for s in states}
    assert len(runs) == 2
    assert sorted(query(wh, "select actor, run_id from audit.operations order by 1")) == sorted(
        (n, s["result"]["run_id"]) for n, s in zip(("甲", "乙"), states, strict=True)
    )
    assert query(
        wh, "select count(distinct run_id) from audit.ingest_rejects where run_id in (?, ?)", list(runs)
    ) == [(2,)]
    spans = query(
        wh,
        "select started_at, finished_at from audit.ingest_runs where run_id in (?, ?) order by started_at",
        list(runs),
    )
    assert spans[0][1] <= spans[1][0]  # the second ingest started after the first had finished


# ---------------------------------------------------------------------------
# C. evaluator scores (jixiao score; the 评价人评分 page runs the same code in a job)


def _total(wh: Path, framework: str = "hn_dept_overall") -> tuple:
    return query(
        wh,
        "select total_score, grade from marts.fct_department_scores where dept_code = ? and fiscal_year = 2023 "
        "and framework_code = ?",
        [HRSS, framework],
    )[0]


def test_score_from_the_command_line_changes_the_total_and_records_the_scorer(wh, capsys):
    from decimal import Decimal

    from app.workflow.scores import submission_id
    from app.workflow.submissions import store_dir

    assert _total(wh) == (Decimal("90.00"), "优")
    sc_before = _total(wh, "sc_county_self")
    assert main(["score", HRSS, "2023", "hn_dept_overall", "B42=2", "-e", "B42=固定资产卡片已全部张贴"]) == 0
    out = capsys.readouterr().out
    assert "已保存：B42 资产管理安全性 2 分（分值 2）" in out
    # B42 was 0 of 2 in the report: the total goes from 90 to 92
    assert _total(wh) == (Decimal("92.00"), "优")
    assert _total(wh, "sc_county_self") == sc_before  # another framework's scores are untouched
    rows = query(
        wh,
        "select indicator_code, score, scorer, evidence, scored_by from marts.fct_indicator_scores "
        "where dept_code = ? and fiscal_year = 2023 and framework_code = 'hn_dept_overall' and indicator_code in ('A11', 'B42') "
        "order by 1",
        [HRSS],
    )
    assert rows == [
        (
            "A11",
            Decimal("3.00"),
            "湖南良才联合会计师事务所（第三方评价机构）",
            "年度绩效目标与部门职责一致",
            "person",
        ),
        ("B42", Decimal("2.00"), W_actor(), "固定资产卡片已全部张贴", "person"),
    ]
    sid = submission_id(HRSS, 2023, "hn_dept_overall")
    assert query(wh, "select templates, row_count from audit.submissions where submission_id = ?", [sid]) == [
        (
            "qualitative_scores",
            22,
        )  # every evaluator score of the framework: the 22 of the sample, B42 changed
    ]
    assert (store_dir(wh) / sid / "qualitative_scores.csv").is_file()
    assert query(wh, "select actor, kind, summary from audit.operations") == [
        (W_actor(), "score", "评价人评分：430406-hrss 2023 年 hn_dept_overall：B42 2 分")
    ]
    # listed with its scorer
    assert main(["score", HRSS, "2023", "hn_dept_overall", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "B42" in listed and "固定资产卡片已全部张贴" in listed


def test_a_reimported_submission_that_replaces_entered_scores_says_so(wh, sample_copy, capsys):
    """The latest import wins for evaluator scores (README 报送与评价): a corrected submission that carries its
    own qualitative_scores.csv replaces scores entered since. That is now a warning on the submission, in the
    build's summary and in audit.ingest_rejects, not a silent loss (found by a new user)."""
    from decimal import Decimal

    assert main(["score", HRSS, "2023", "hn_dept_overall", "B42=1.5", "-e", "B42=已核实"]) == 0
    assert _total(wh) == (Decimal("91.50"), "优")
    staffing = sample_copy / "staffing.csv"
    staffing.write_text(staffing.read_text(encoding="utf-8").replace(",42,40", ",42,41"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "-i", str(sample_copy)]) == 0
    out = "".join(capsys.readouterr().out.split())
    warning = (
        f"本提交的评价人评分替换了在“评价人评分”中录入的评分（{HRSS} 2023 hn_dept_overall）：以最后导入的为准；"
        "如需保留录入的评分，请在“评价人评分”页面或用 jixiao score 重新保存"
    )
    assert "".join(warning.split()) in out
    assert _total(wh) == (Decimal("90.00"), "优")  # B42 is the sample's 0 again
    assert query(
        wh,
        "select submission_id, severity, reason from audit.ingest_rejects where reason like '本提交的评价人评分%'",
    ) == [("yanfeng-2023", "warning", warning)]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["B42=3", "-e", "B42=x"], 2, "B42 资产管理安全性 的得分 3 超出范围：应在 0 到 2 分之间（分值）"),
        (["B42=-1", "-e", "B42=x"], 2, "B42 资产管理安全性 的得分 -1 超出范围：应在 0 到 2 分之间（分值）"),
        (["B42=1.255", "-e", "B42=x"], 2, "B42 的得分 1.255 最多两位小数"),
        (["B42=两分", "-e", "B42=x"], 2, "得分“两分”不是数字"),
        (["B42=2"], 2, "请填写 B42 资产管理安全性 的评分依据"),
        (["B11=2", "-e", "B11=x"], 2, "B11 不是 hn_dept_overall 的人工评分指标"),
    ],
)
def test_score_refusals_change_nothing(wh, capsys, argv, code, message):
    before = (wh.stat().st_ino, wh.stat().st_mtime_ns)
    assert main(["score", HRSS, "2023", "hn_dept_overall", *argv]) == code
    assert message in capsys.readouterr().out.replace("\n", "")
    assert (wh.stat().st_ino, wh.stat().st_mtime_ns) == before


def test_score_for_a_department_year_without_results(wh, capsys):
    assert main(["score", HRSS, "2019", "hn_dept_overall", "--list"]) == 7
    assert "430406-hrss 2019 年在评价体系 hn_dept_overall 下没有评分结果" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# dashboard (AppTest)


def _app(page: str) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_finding_review_page_acknowledges_through_a_background_job(wh):
    from app.workflow import jobs

    fid, dept, year, item = _warning(wh)
    at = _app("views/finding_review.py")
    assert [m.value for m in at.metric] == ["4", "4", "0"]  # the worked example's 4 errors, all acknowledged
    at.multiselect(key="fr_sev").set_value(["warning"]).run()
    n_warn = query(wh, "select count(*) from marts.fct_reconciliation_findings where severity = 'warning'")[
        0
    ][0]
    assert [m.value for m in at.metric] == [str(n_warn), "0", str(n_warn)]
    at.multiselect(key="fr_ids").set_value([fid])
    at.radio(key="fr_status").set_value("待整改")
    at.text_area(key="fr_note").set_value("请部门说明")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = Path(at.session_state["_job_ack"])
    assert job.parent == jobs.jobs_dir(wh)  # beside the warehouse, not in the repository
    state = jobs.wait(job, 180)
    assert state["state"] == "done", state
    assert state["result"]["acked"][0]["finding_id"] == fid
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m.value for m in at.metric] == [str(n_warn), "1", str(n_warn - 1)]
    assert any(f"已标记 1 条为“待整改”：{dept} {year} {item}" in s.value for s in at.success)
    # the 核对发现 page and the department page show it too
    at.switch_page("views/findings.py").run()
    shown = at.dataframe[0].value
    assert shown.loc[shown["核对对象"] == item, "处理状态"].str.startswith("待整改（").any()


def test_finding_review_select_all_takes_every_finding_listed(wh):
    """全选 (the page's own bulk selection: Streamlit's "Select all" row is English and switched off) sends
    every finding the filters list, and nothing else, to the acknowledgement job."""
    at = _app("views/finding_review.py")
    at.multiselect(key="fr_sev").set_value(["warning"]).run()
    warnings = [
        r[0]
        for r in query(
            wh,
            "select finding_id from marts.fct_reconciliation_findings where severity = 'warning' order by 1",
        )
    ]
    assert len(warnings) >= 2 and at.checkbox(key="fr_all").label == f"全选上面筛选出的 {len(warnings)} 条"
    at.checkbox(key="fr_all").check()
    at.radio(key="fr_status").set_value("确认无误")
    at.text_area(key="fr_note").set_value("批量确认")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    request = json.loads((Path(at.session_state["_job_ack"]) / "request.json").read_text(encoding="utf-8"))
    assert sorted(request["params"]["finding_ids"]) == warnings
    assert request["params"]["status"] == "确认无误"
    from app.workflow import jobs

    state = jobs.wait(Path(at.session_state["_job_ack"]), 180)
    assert state["state"] == "done", state
    assert sorted(a["finding_id"] for a in state["result"]["acked"]) == warnings


def test_nothing_was_written_into_the_repository():
    now = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert now == GIT_STATUS_BEFORE


def test_upload_page_shows_a_refused_uploads_rejects_as_the_command_line_does(wh, tmp_path):
    """The page's job (what its button starts) on the broken zip: refused, and the reject row with the CLI's
    columns, downloadable."""
    from app.workflow import jobs
    from app.workflow import submissions as S

    z = _zip(BROKEN, tmp_path / "雁峰区人社局更正.zip")
    staged = S.stage([(z.name, z.read_bytes())], wh)
    job = jobs.start(
        "upload",
        {
            "upload_id": staged.upload_id,
            "folder": str(staged.folder),
            "submissions": [str(p) for p in staged.submissions],
        },
        wh,
        "tester",
    )
    state = jobs.wait(job, 300)
    assert state["state"] == "done", state
    at = _app("views/upload.py")
    at.session_state["_job_upload"] = str(job)
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("1 个提交被拒绝，未导入任何数据：雁峰区人社局更正" in e.value for e in at.error)
    rejects = at.dataframe[1].value
    assert list(rejects.columns) == ["提交", "级别", "文件", "工作表", "行", "列", "原值", "原因"]
    assert rejects.iloc[0].tolist()[:3] == ["雁峰区人社局更正", "错误", "carryover.csv"]
    assert rejects.iloc[0].tolist()[4:] == [2, "opening_balance", "121,000.00%", "金额列不能带 %"]
    assert [b.label for b in at.get("download_button")][-2:] == ["下载 CSV", "下载 Excel"]
    assert query(wh, "select actor, kind from audit.operations") == [("tester", "upload")]


def test_scoring_page_saves_a_score_and_shows_the_new_total(wh):
    from app.workflow import jobs

    at = _app("views/scoring.py")
    assert [m.value for m in at.metric] == ["90", "优", "20"]
    key = f"sc_{HRSS}_2023_hn_dept_overall_B42"
    assert at.number_input(key=f"{key}_score").value == 0.0
    at.number_input(key=f"{key}_score").set_value(2.0)
    at.text_input(key=f"{key}_evidence").set_value("固定资产卡片已全部张贴")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    state = jobs.wait(Path(at.session_state["_job_score"]), 300)
    assert state["state"] == "done", state
    assert state["result"]["entered"] == [["B42", "资产管理安全性", "2.0", "2.00"]]
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m.value for m in at.metric] == ["92", "优", "20"]
    assert any("已保存：B42 资产管理安全性 2 分。总分已重新计算。" in s.value for s in at.success)


# ---------------------------------------------------------------------------
# D. 报送情况 (marts.fct_submission_coverage + audit.ingest_rejects)


def _without(src: Path, dst: Path, dept: str) -> Path:
    """A copy of a CSV submission folder with every row of `dept` removed (its encoding kept)."""
    dst.mkdir(parents=True)
    for f in src.iterdir():
        raw = f.read_bytes()
        enc = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else ("utf-8" if _utf8(raw) else "gb18030")
        lines = raw.decode(enc).splitlines(keepends=True)
        kept = [ln for ln in lines if ln.split(",", 1)[0] != dept]
        (dst / f.name).write_bytes("".join(kept).encode(enc))
    return dst


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.fixture(scope="module")
def coverage_warehouse(yanfeng_warehouse, tmp_path_factory) -> Path:
    """The worked example, the demo region 430405 in 2022, and its 2023 submission without 430405-housing;
    then a refused upload."""
    from conftest import build_warehouse

    folder = tmp_path_factory.mktemp("coverage")
    live = _copy(yanfeng_warehouse, folder / "live")
    sub23 = _without(DEMO / "430405-2023", folder / "in" / "430405-2023", "430405-housing")
    res = build_warehouse(live, DEMO / "430405-2022", sub23, run_checks=False)
    assert [o.status for o in res.outcomes] == ["loaded", "loaded"], [
        str(i) for o in res.outcomes for i in o.issues
    ]
    res = build_warehouse(live, BROKEN, run_checks=False)
    assert [o.status for o in res.outcomes] == ["refused"]
    return live


def test_submission_coverage_mart_says_who_submitted_what_and_who_is_missing(coverage_warehouse):
    wh = coverage_warehouse
    status = query(
        wh,
        "select fiscal_year, dept_year_status, count(distinct dept_code) from marts.fct_submission_coverage "
        "where region_code = '430405' group by all order by all",
    )
    assert status == [(2022, "complete", 6), (2023, "complete", 5), (2023, "missing", 1)]
    assert query(
        wh,
        "select template_name, submitted, submission_id, row_count from marts.fct_submission_coverage "
        "where dept_code = '430405-housing' and fiscal_year = 2023 and template_name in ('departments', 'budget_ledger')",
    ) == [("departments", False, None, 0), ("budget_ledger", False, None, 0)]
    hrss = query(
        wh,
        "select template_name, submitted, submission_id from marts.fct_submission_coverage "
        "where dept_code = ? and fiscal_year = 2023 order by template_order",
        [HRSS],
    )
    assert [t for t, ok, _ in hrss if not ok] == ["monthly_execution", "performance_targets"]
    assert {s for _, ok, s in hrss if ok} == {"yanfeng-2023"}


def test_submission_status_page_lists_the_missing_department_and_the_refused_submission(
    coverage_warehouse, monkeypatch
):
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(coverage_warehouse))
    at = _app("views/submission_status.py")
    at.selectbox(key="ss_year").set_value(2023).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [(m.label, m.value) for m in at.metric] == [
        ("应报部门", "7"),
        ("已报送", "6"),
        ("缺少必需模板", "0"),
        ("未报送", "1"),
    ]
    matrix = at.dataframe[0].value
    housing = matrix[matrix["部门编码"] == "430405-housing"].iloc[0]
    assert (
        housing["报送状态"] == "未报送"
        and housing["预算指标执行台账"] == "缺（必需）"
        and housing["结转结余"] == "—"
    )
    assert matrix[matrix["部门编码"] == HRSS].iloc[0]["预算指标执行台账"] == "✓ yanfeng-2023"
    refused = at.dataframe[1].value
    assert refused[["提交", "错误数", "原因", "之后是否已导入更正版"]].values.tolist() == [
        ["submission", 1, "金额列不能带 %", "否"]
    ]
    assert [b.label for b in at.get("download_button")] == ["下载 CSV", "下载 Excel"] * 2


# ---------------------------------------------------------------------------
# E. 操作记录


def test_operation_log_records_who_did_what_and_when(wh, tmp_path, capsys):
    fid, dept, year, item = _warning(wh)
    assert main(["ack", fid, "--status", "确认无误", "--note", "分母为 0 是实情"]) == 0
    assert main(["submit", str(_zip(BROKEN, tmp_path / "更正.zip"))]) == 2
    capsys.readouterr()
    assert main(["log"]) == 0
    out = capsys.readouterr().out
    me = W_actor()
    assert "操作记录（最新的在前，共 2 条）" in out
    assert out.index("上传 更正：已加载 0，未变化 0，已拒绝 1") < out.index(
        f"核对发现标记为“确认无误”：{dept} {year} {item}"
    )
    assert query(wh, "select actor, kind from audit.operations order by op_seq") == [
        (me, "ack"),
        (me, "upload"),
    ]
    # each entry was written in the swap of the change it records: its run is that build's
    runs = query(wh, "select o.run_id in (select run_id from audit.ingest_runs) from audit.operations o")
    assert runs == [(True,), (True,)]

    at = _app("views/operations.py")
    shown = at.dataframe[0].value
    assert shown[["操作人", "操作"]].values.tolist() == [[me, "上传提交"], [me, "核对发现处理"]]
    at.multiselect(key="op_kinds").set_value(["ack"]).run()
    assert at.dataframe[0].value["内容"].tolist() == [f"核对发现标记为“确认无误”：{dept} {year} {item}"]


# ---------------------------------------------------------------------------
# F. 批量报告


def test_report_batch_zips_every_report_of_the_region_year_with_a_summary(wh, tmp_path, capsys):
    import io
    import zipfile

    import openpyxl

    out = tmp_path / "雁峰区.zip"
    assert (
        main(
            [
                "report-batch",
                "--region",
                "430406",
                "--year",
                "2023",
                "--format",
                "md",
                "--format",
                "docx",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert f"已生成：{out}（1 个部门 × md、docx，共 2 份报告，另有 汇总.xlsx）" in capsys.readouterr().out
    with zipfile.ZipFile(out) as z:
        names = sorted(z.namelist())
        assert names == [
            "docx/430406-hrss_2023_hn_dept_overall.docx",
            "md/430406-hrss_2023_hn_dept_overall.md",
            "汇总.xlsx",
        ]
        report = z.read("md/430406-hrss_2023_hn_dept_overall.md").decode("utf-8")
        ws = openpyxl.load_workbook(io.BytesIO(z.read("汇总.xlsx"))).active
    assert "雁峰区人力资源和社会保障局" in report and "90" in report
    rows = list(ws.iter_rows(values_only=True))
    header = rows[2]
    row = dict(zip(header, rows[3], strict=True))
    assert (row["部门编码"], row["总分"], row["等级"], row["等级仅基于部分指标"], row["错误"]) == (
        HRSS,
        90,
        "优",
        "否",
        4,
    )
    assert query(wh, "select kind, summary from audit.operations") == [
        ("report_batch", "批量报告：区划 430406 2023 年 hn_dept_overall，1 个部门 × md、docx")
    ]
    assert main(["report-batch", "--region", "999999", "--year", "2023", "-o", str(tmp_path / "x.zip")]) == 7
    assert "区划 999999 2023 年在评价体系 hn_dept_overall 下没有评分结果" in capsys.readouterr().out
    assert not (tmp_path / "x.zip").exists()


def test_batch_page_builds_the_zip_in_a_job(wh):
    from app.workflow import jobs

    at = _app("views/batch.py")
    at.multiselect(key="bt_formats").set_value(["md"]).run()
    at.button(key="bt_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    state = jobs.wait(Path(at.session_state["_job_batch"]), 300)
    assert state["state"] == "done", state
    z = Path(state["result"]["zip"])
    assert (
        z.parent.parent == jobs.jobs_dir(wh)
        and z.name == "评价报告_湖南省衡阳市雁峰区_2023_hn_dept_overall.zip"
    )
    at.run()
    at.run()
    assert any("已生成 1 个部门 × md，共 1 份报告，另有汇总表。" in s.value for s in at.success)
    assert "下载 ZIP" in [b.label for b in at.get("download_button")]


# ---------------------------------------------------------------------------
# G. 对比


def test_compare_page_puts_departments_side_by_side_with_the_region_median(coverage_warehouse, monkeypatch):
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(coverage_warehouse))
    wh = coverage_warehouse
    at = _app("views/compare.py")
    at.selectbox(key="cmp_year").set_value(2023).run()
    a, b = "430405-culture", "430405-nr"
    at.multiselect(key="cmp_depts").set_value([a, b]).run()
    assert not at.exception, [e.value for e in at.exception]
    names = dict(
        query(wh, "select dept_code, dept_name from marts.dim_department where dept_code in (?, ?)", [a, b])
    )
    total, level1, indicators, rates = (d.value for d in at.dataframe)
    expected = query(
        wh,
        "select dept_code, total_score, grade from marts.fct_department_scores "
        "where fiscal_year = 2023 and framework_code = 'hn_dept_overall' and dept_code in (?, ?)",
        [a, b],
    )
    got = dict(zip(total["部门"], zip(total["总分"], total["等级"], strict=True), strict=True))
    assert got == {names[d]: (float(s), g) for d, s, g in expected}
    l1 = query(
        wh,
        "select level1_code || ' ' || level_name, score from marts.fct_level1_scores "
        "where fiscal_year = 2023 and framework_code = 'hn_dept_overall' and dept_code = ? and coalesce(project_code, '') = ''",
        [b],
    )
    assert dict(zip(level1["指标"], level1[names[b]], strict=True)) == {k: float(v) for k, v in l1}
    assert (
        len(indicators)
        == query(
            wh,
            "select count(*) from marts.fct_indicator_scores where fiscal_year = 2023 and framework_code = 'hn_dept_overall' "
            "and dept_code = ? and project_code is null",
            [a],
        )[0][0]
    )
    median = query(
        wh,
        "select median_value from marts.fct_region_year_indicator_values where framework_code = 'hn_dept_overall' "
        "and fiscal_year = 2023 and region_code = '430405' and indicator_code = 'B11'",
    )[0][0]
    row = rates[rates["指标"].str.startswith("B11 ")].iloc[0]
    assert row["湖南省衡阳市珠晖区中位数"] == float(median)
