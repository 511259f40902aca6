"""The input templates (填报模板), version 1, as data.

This module is the machine-readable copy of ``../shared/spec/input-templates.md``:
every template, every column with its English name and Chinese aliases, its type,
whether it may be missing or empty, and the key that makes a row unique.
The parser (``ingest.parse``) and the raw-table DDL (``ingest.schema``) are both
driven from here, so a column added to a template is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds understood by ingest.parse
TEXT = "text"  # free text, stripped
CODE = "code"  # identifier: stripped, full-width normalised, no inner spaces
YEAR = "year"  # 2023 or 2023年
INT = "int"  # whole number (people, months, respondents)
AMOUNT = "amount"  # money: DECIMAL(18,2) yuan, unit 元 or 万元
SCORE = "score"  # points, up to 2 decimals
NUMBER = "number"  # a measured number (facts.value): amounts obey the unit
BOOL = "bool"  # 是/否, Y/N, 1/0
ENUM = "enum"  # one of a fixed list (after aliases)
MEASURE = "measure"  # reported_results.reported_value: a rate in % points or an amount
VALUE = "value"  # number or text (performance targets)


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = TEXT
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # a cell may be empty
    nonnegative: bool = False
    choices: tuple[str, ...] = ()
    choice_aliases: dict[str, str] = field(default_factory=dict)

    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _dept_year() -> list[Column]:
    return [
        Column("dept_code", ("部门编码", "单位编码"), CODE),
        Column("fiscal_year", ("年度", "预算年度"), YEAR),
    ]


SUBTOTAL_WORDS = ("小计", "合计", "总计")

EXPENSE_TYPES = ("基本支出", "项目支出")
CATEGORIES = ("人员经费", "公用经费", "其他运转类", "特定目标类")
THREE_PUBLIC_ITEMS = ("因公出国(境)费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
# 公务用车购置及运行费 (or its 小计): the subtotal of 购置 + 运行维护, the vehicle amount when they are not split
VEHICLE_GROUP = "公务用车购置及运行费"
LEVEL1 = ("产出", "效益", "满意度", "成本")
LEVEL2 = (
    "数量",
    "质量",
    "时效",
    "成本",
    "经济效益",
    "社会效益",
    "生态效益",
    "可持续影响",
    "服务对象满意度",
    "经济成本",
    "社会成本",
    "生态环境成本",
)
SURVEY_RATINGS = ("非常好", "比较好", "一般", "非常差", "不了解")
FACT_CODES = {
    "key_expenditure": "重点支出(重点项目)安排数",
    "procurement_budget": "政府采购预算数",
    "procurement_actual": "政府采购实际执行数",
    "fixed_assets_total": "固定资产总额",
    "fixed_assets_in_use": "在用固定资产",
    "violations": "违规违纪问题个数",
    "monitoring_issues": "绩效监控发现问题项目数",
    "monitoring_issues_unresolved": "未整改问题项目数",
}
# facts whose value is money (the unit column applies); the others are counts
AMOUNT_FACTS = frozenset(
    {
        "key_expenditure",
        "procurement_budget",
        "procurement_actual",
        "fixed_assets_total",
        "fixed_assets_in_use",
    }
)
LEDGER_ITEMS = (
    "年初预算",
    "调整后预算",
    "支出合计",
    "基本支出",
    "人员经费",
    "公用经费",
    "项目支出",
    "三公经费预算",
    "三公经费决算",
    "年初结转结余",
    "年末结转结余",
    "基本支出预算",  # 年初预算 of 基本支出 (a self-evaluation form's 预算数 column)
    "项目支出预算",  # 年初预算 of 项目支出
)
# evaluation (评价报告信息): one row per item; the two lists have one row per entry, numbered by 序号
EVALUATION_SINGLE = ("委托单位", "评价机构", "评价日期", "评价思路", "评价方法")
EVALUATION_LISTS = ("问题及原因", "改进建议")
EVALUATION_ITEMS = EVALUATION_SINGLE + EVALUATION_LISTS
EVALUATION_NAMES = ("委托单位", "评价机构")  # names: one line, like a department's name
PROJECT_ITEMS = (
    "执行率",
    "调整后预算",
    "支出合计",
)  # besides: an indicator code of a project framework, or total


@dataclass(frozen=True)
class Template:
    name: str
    zh: str
    columns: tuple[Column, ...]
    required: bool = False
    key: tuple[str, ...] = ()  # duplicate rows on this key are refused
    partition: tuple[str, ...] = ("dept_code", "fiscal_year")  # what a newer submission replaces
    has_unit: bool = False  # a `unit` column / 万元 header suffix applies to AMOUNT columns

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


TEMPLATES: dict[str, Template] = {}


def _register(t: Template) -> Template:
    TEMPLATES[t.name] = t
    return t


_register(
    Template(
        "departments",
        "部门信息",
        (
            Column("dept_code", ("部门编码", "单位编码"), CODE),
            Column("dept_name", ("部门名称", "单位名称"), TEXT),
            Column("region_code", ("区划编码", "行政区划编码"), CODE),
            Column("region_name", ("区划名称", "行政区划名称"), TEXT),
            Column("parent_dept_code", ("上级部门编码", "主管部门编码"), CODE, required=False, nullable=True),
            Column("sector", ("行业/职能", "行业", "职能"), TEXT, required=False, nullable=True),
        ),
        required=True,
        key=("dept_code",),
        partition=("dept_code",),
    )
)

_register(
    Template(
        "budget_ledger",
        "预算指标执行台账",
        (
            *_dept_year(),
            Column("expense_type", ("指标管理类型", "支出类型"), ENUM, choices=EXPENSE_TYPES),
            Column(
                "category",
                ("项目类别",),
                ENUM,
                choices=CATEGORIES,
                choice_aliases={"人员类": "人员经费", "公用类": "公用经费"},
            ),
            Column("project_code", ("项目编码",), CODE, required=False, nullable=True),
            Column("project_name", ("项目名称",), TEXT, required=False, nullable=True),
            Column("is_key_project", ("是否重点项目",), BOOL, required=False, nullable=True),
            Column("econ_class", ("政府经济分类", "经济分类"), TEXT, required=False, nullable=True),
            Column("func_class", ("支出功能分类", "功能分类"), TEXT, required=False, nullable=True),
            Column("fund_source", ("资金来源",), TEXT, required=False, nullable=True),
            # a 决算 page may print no 年初预算 and a budget-stage export no 执行数: both columns may be
            # missing (unknown); ingest.parse requires at least one of the amount columns
            Column(
                "original_budget",
                ("原始指标金额", "年初预算数", "年初预算"),
                AMOUNT,
                required=False,
                nonnegative=True,
            ),
            Column("adjustment", ("调整金额", "调整数"), AMOUNT, required=False, nullable=True),
            Column(
                "adjusted_budget",
                ("实际指标可用金额", "调整后预算数", "全年预算数", "调整后预算"),
                AMOUNT,
                required=False,
                nullable=True,
                nonnegative=True,
            ),
            Column(
                "actual_paid",
                ("实际支付合计", "决算数", "全年执行数", "支出数", "预算执行数", "执行数"),
                AMOUNT,
                required=False,
                nonnegative=True,
            ),
            Column("balance", ("指标结余", "结余"), AMOUNT, required=False, nullable=True),
            Column("unit", ("单位", "金额单位"), ENUM, required=False, nullable=True, choices=("元", "万元")),
        ),
        required=True,
        has_unit=True,
    )
)

_register(
    Template(
        "carryover",
        "结转结余",
        (
            *_dept_year(),
            Column("opening_balance", ("年初结转结余",), AMOUNT),
            Column("closing_balance", ("年末结转结余",), AMOUNT, required=False, nullable=True),
            Column("unit", ("单位", "金额单位"), ENUM, required=False, nullable=True, choices=("元", "万元")),
        ),
        key=("dept_code", "fiscal_year"),
        has_unit=True,
    )
)

_register(
    Template(
        "three_public",
        "“三公”经费",
        (
            *_dept_year(),
            Column(
                "item",
                ("项目", "三公经费项目"),
                ENUM,
                choices=(*THREE_PUBLIC_ITEMS, VEHICLE_GROUP, "合计"),  # aliases and numbering: ingest.parse
            ),
            Column("budget", ("预算数",), AMOUNT, nonnegative=True),
            Column("actual", ("决算数", "实际支出数"), AMOUNT, nonnegative=True),
            Column("unit", ("单位", "金额单位"), ENUM, required=False, nullable=True, choices=("元", "万元")),
        ),
        key=("dept_code", "fiscal_year", "item"),
        has_unit=True,
    )
)

_register(
    Template(
        "staffing",
        "人员编制",
        (
            *_dept_year(),
            Column("staff_type", ("编制类型", "人员类型"), TEXT),
            Column("authorized", ("编制数", "核定人数"), INT, nonnegative=True),
            Column("actual", ("实有在职人数", "实有人数"), INT, nonnegative=True),
        ),
        key=("dept_code", "fiscal_year", "staff_type"),
    )
)

_register(
    Template(
        "monthly_execution",
        "月度支出进度",
        (
            *_dept_year(),
            Column("month", ("月份",), INT),
            Column("cumulative_paid", ("累计支出",), AMOUNT, nonnegative=True),
            Column("budget_basis", ("预算数",), AMOUNT, required=False, nullable=True, nonnegative=True),
            Column("unit", ("单位", "金额单位"), ENUM, required=False, nullable=True, choices=("元", "万元")),
        ),
        key=("dept_code", "fiscal_year", "month"),
        has_unit=True,
    )
)

_register(
    Template(
        "performance_targets",
        "绩效目标及完成值",
        (
            *_dept_year(),
            Column("scope", ("范围",), ENUM, choices=("部门整体", "项目")),
            Column("project_code", ("项目编码",), CODE, required=False, nullable=True),
            Column(
                "level1",
                ("一级指标",),
                ENUM,
                choices=LEVEL1,
                choice_aliases={f"{c}指标": c for c in LEVEL1},
            ),
            Column(
                "level2",
                ("二级指标",),
                ENUM,
                choices=LEVEL2,
                choice_aliases={**{f"{c}指标": c for c in LEVEL2}, "满意度指标": "服务对象满意度"},
            ),
            Column("indicator_name", ("三级指标",), TEXT),
            Column(
                "direction",
                ("方向", "指标方向"),
                ENUM,
                required=False,
                nullable=True,  # may be read from a printed target (≥50个); ingest.parse requires one of them
                choices=("≥", "≤", "=", "定性"),
                choice_aliases={">=": "≥", "<=": "≤", "＞＝": "≥", "＜＝": "≤", "==": "="},
            ),
            Column("target_value", ("年度指标值", "目标值"), VALUE),
            Column("actual_value", ("实际完成值", "完成值"), VALUE, nullable=True),
            Column("unit", ("计量单位",), TEXT, required=False, nullable=True),
            Column("weight", ("分值",), SCORE, required=False, nullable=True, nonnegative=True),
            Column("self_score", ("自评得分",), SCORE, required=False, nullable=True, nonnegative=True),
        ),
        key=("dept_code", "fiscal_year", "scope", "project_code", "level1", "level2", "indicator_name"),
    )
)

_register(
    Template(
        "facts",
        "其他基础数据",
        (
            *_dept_year(),
            Column("fact_code", ("数据项编码", "事项编码"), ENUM, choices=tuple(FACT_CODES)),
            Column("value", ("数值",), NUMBER),
            Column("unit", ("单位", "计量单位"), TEXT, required=False, nullable=True),
            Column("note", ("备注", "说明"), TEXT, required=False, nullable=True),
        ),
        key=("dept_code", "fiscal_year", "fact_code"),
    )
)

_register(
    Template(
        "qualitative_scores",
        "定性指标评分",
        (
            *_dept_year(),
            Column("framework_code", ("评价体系", "指标体系编码"), CODE),
            Column("indicator_code", ("指标编码",), CODE),
            Column("score", ("得分",), SCORE),
            Column("scorer", ("评分人",), TEXT, required=False, nullable=True),
            Column("evidence", ("评分依据", "依据"), TEXT, required=False, nullable=True),
        ),
        key=("dept_code", "fiscal_year", "framework_code", "indicator_code"),
    )
)

_register(
    Template(
        "survey_responses",
        "满意度调查",
        (
            *_dept_year(),
            Column("question", ("问题", "调查内容"), TEXT),
            Column("rating", ("评价", "评价结果"), ENUM, choices=SURVEY_RATINGS),
            Column("respondents", ("人数",), INT, nonnegative=True),
        ),
        key=("dept_code", "fiscal_year", "question", "rating"),
    )
)

_register(
    Template(
        "reported_results",
        "报告值",
        (
            *_dept_year(),
            Column("framework_code", ("评价体系", "指标体系编码"), CODE, required=False, nullable=True),
            Column("project_code", ("项目编码",), CODE, required=False, nullable=True),
            Column("item", ("项目", "事项", "指标"), CODE),
            Column("reported_value", ("报告值", "自评值"), MEASURE, nullable=True),
            Column("reported_score", ("报告得分", "自评得分"), SCORE, required=False, nullable=True),
            Column("source", ("来源", "出处"), TEXT, required=False, nullable=True),
            Column(
                "unit", ("单位", "金额单位"), ENUM, required=False, nullable=True, choices=("元", "万元", "%")
            ),
        ),
        key=("dept_code", "fiscal_year", "framework_code", "project_code", "item"),
        has_unit=True,
    )
)

_register(
    Template(
        "department_profile",
        "部门概况",
        (
            *_dept_year(),
            # long text (up to MAX_CELL_CHARS of ingest/xlsx_inspect.py, 10,000 characters a cell); line
            # breaks allowed (ingest.parse.FREE_TEXT), control characters refused
            Column("duties", ("部门职责", "主要职责"), TEXT, required=False, nullable=True),
            Column("organization", ("机构设置", "内设机构"), TEXT, required=False, nullable=True),
            Column("staffing_text", ("人员情况", "人员构成"), TEXT, required=False, nullable=True),
            Column("internal_control", ("内部控制", "内部控制情况"), TEXT, required=False, nullable=True),
        ),
        key=("dept_code", "fiscal_year"),
    )
)

_register(
    Template(
        "evaluation",
        "评价报告信息",
        (
            *_dept_year(),
            # blank: the evaluation of every framework of the department-year
            Column("framework_code", ("评价体系", "指标体系编码"), CODE, required=False, nullable=True),
            Column(
                "item",
                ("事项",),
                ENUM,
                choices=EVALUATION_ITEMS,
                choice_aliases={
                    "评价时间": "评价日期",
                    "报告日期": "评价日期",
                    "出现的问题及原因": "问题及原因",
                    "存在的问题": "问题及原因",
                    "问题": "问题及原因",
                    "建议": "改进建议",
                    "委托方": "委托单位",
                    "第三方机构": "评价机构",
                },
            ),
            Column("seq", ("序号",), INT, required=False, nullable=True, nonnegative=True),
            Column("content", ("内容",), TEXT),
        ),
        key=("dept_code", "fiscal_year", "framework_code", "item", "seq"),
    )
)

# Chinese sheet/file names → template name (the bracketed names of the spec)
ZH_NAMES = {t.zh: t.name for t in TEMPLATES.values()}
ZH_NAMES.update(
    {
        '"三公"经费': "three_public",
        "三公经费": "three_public",
        "报告值/自评值": "reported_results",
        "自评值": "reported_results",
    }
)


def template_for(name: str) -> Template | None:
    """Template for a file stem or sheet name, English or Chinese."""
    from ingest.text import normalize_label

    key = normalize_label(name)
    if key.lower() in TEMPLATES:
        return TEMPLATES[key.lower()]
    for zh, tname in ZH_NAMES.items():
        if normalize_label(zh) == key:
            return TEMPLATES[tname]
    return None
