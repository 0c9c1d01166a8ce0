#!/usr/bin/env python3
"""Turns a ПК РИК ЛСР printout (../shared/lsr_fixtures/rik_*.txt: rows with cells joined by " | ")
into a golden case: input.json (an estimate document, contracts/calc-v1.md) and expected.json
(every figure the printout shows: each position's «Всего по позиции» and its groups, each
section's totals, every line of ИТОГИ ПО СМЕТЕ).

Usage: rik_to_golden.py FIXTURE.txt OUTPUT_DIR

The inputs are the printed columns as they are: consumption = column 5 («на единицу»), the
coefficients as column 6 applies them, prices = column 10 or columns 8 × 9. The figures in
expected.json are copied from the printout, never computed here, so that the C++ engine is
checked against ПК РИК and not against this script. See ../README.md for the reading rules.
"""
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

# Column indexes in a split row: 0 номер, 1 № п/п, 2 обоснование, 3 наименование, 4 ед. изм.,
# 5 на единицу, 6 коэффициенты, 7 всего с коэфф., 8 базисная цена, 9 индекс, 10 текущая цена,
# 11 коэфф., 12 всего.
C_NUM, C_NO, C_CODE, C_NAME, C_UNIT, C_PER, C_K, C_QTY, C_BASE, C_IDX, C_PRICE, C_PK, C_SUM = range(13)


def num(text):
    """'1 008,64' -> '1008.64' (a decimal string as the document wants it)."""
    t = text.strip().replace(" ", "").replace(",", ".")
    Decimal(t)  # raises on anything that is not a number
    return t


def money(text):
    return str(Decimal(num(text)).quantize(Decimal("0.01")))


def hours(text):
    return str(Decimal(num(text)).quantize(Decimal("0.0000001")))


def cells(line):
    parts = line.rstrip("\n").split(" | ")
    return [p.strip() for p in parts]


def is_equipment_code(code):
    """ФСБЦ books 61–69 (and market prices of those groups, ТЦ_6x…) are оборудование."""
    c = code[3:] if code.startswith("ТЦ_") else code
    return re.match(r"^6[1-9]\.", c) is not None


# The printout does not show a position's work kind; ПК РИК derives it from the norm (ГЭСНм →
# монтажные) and, for a stand-alone material, from what it is bought for. Where ИТОГИ ПО СМЕТЕ
# shows a resource position under монтажные работы it is listed here (ЛСР 02-01-05: the
# difference between the printed blocks and the norm rule is exactly pos. 8, 3 559,50).
WORK_KIND_BY_POSITION = {"02-01-05": {"8": "installation"}}

COEF_KEYS = {"ЗТ": "labor", "ЗТм": "machinist_labor", "ЭМ": "machines", "М": "materials"}


def parse_coefficient(code, text):
    c = {"name": code}
    for key, value in re.findall(r"(ЗТм|ЗТ|ЭМ|М):\s*([0-9.]+)", text):
        c[COEF_KEYS[key]] = value
    return c


class Position:
    def __init__(self, row):
        self.number = row[C_NO]
        self.code = row[C_CODE]
        self.name = row[C_NAME]
        self.unit = row[C_UNIT]
        self.quantity = num(row[C_QTY])
        self.is_norm = self.code.startswith("ГЭСН")
        self.row = row
        self.coefficients = []
        self.resources = []
        self.extra = []
        self.aux = None
        self.groups = {}  # ОТ, ЭМ, ОТм, М as printed
        self.printed = {}  # ПЗ, ФОТ, НР, СП, total, per_unit
        self.overhead = None
        self.profit = None
        self.k_col6 = {}  # kind -> column 6 as printed on its rows
        self.group = None
        self.last_machine = None


def parse(path):
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    sections = [{"name": "", "positions": [], "printed": {}}]
    position = None
    totals = {}
    block = None  # which ИТОГИ block the "в том числе" rows belong to
    in_totals = False
    for line in lines:
        if line.startswith("Раздел "):
            sections.append({"name": line.strip(), "positions": [], "printed": {}})
            position = None
            continue
        row = cells(line)
        if len(row) < 4:
            continue
        if re.fullmatch(r"\d+", row[0] or "") and re.fullmatch(r"\d+", row[1] or "") and \
                len(row) >= 13 and row[2] not in ("3",):
            position = Position(row)
            sections[-1]["positions"].append(position)
            continue
        label = row[3] if len(row) > 3 else ""
        last = row[-1]
        # Section and estimate totals (9-cell rows: label in column 3, value last).
        if position is None or label.startswith("Итого прямые затраты по") or in_totals:
            pass
        if label.startswith("Итого прямые затраты по") or label == "ИТОГИ ПО СМЕТЕ" or in_totals \
                or (position is None and label):
            if label == "ИТОГИ ПО СМЕТЕ":
                in_totals = True
                block = None
                position = None
                continue
            position = None
            target = totals if in_totals else sections[-1]["printed"]
            if in_totals:
                if label.startswith("ВСЕГО "):
                    block = label[len("ВСЕГО "):]
                    target.setdefault(block, {})["total"] = last
                    continue
                if label == "Справочно":
                    block = "справочно"
                    continue
                if label.startswith("затраты труда"):
                    target.setdefault(block, {})[label] = row[4]
                    continue
                if label and last:
                    target.setdefault(block, {})[label] = last
                continue
            if label.startswith("Итого прямые затраты по"):
                target["direct"] = last
            elif label.startswith("затраты труда"):
                target[label] = row[4]
            elif label and last and label != "в том числе":
                target[label] = last
            continue
        if position is None:
            continue
        code = row[C_CODE] if len(row) > C_CODE else ""
        sub = row[C_NO] if len(row) > C_NO else ""
        if len(row) == 4 and (code.startswith("421/пр") or "ЗТ:" in label):
            # A technical-part coefficient has no code: its text ("в 2 слоя") names it.
            name = code or label.split(", ЗТ")[0]
            position.coefficients.append(parse_coefficient(name, label))
            continue
        if len(row) < 13:
            continue
        if code in ("1", "2", "4") and label in ("ОТ", "ЭМ", "М"):
            position.group = label
            position.groups[label] = row[C_SUM]
            continue
        if label == "ОТм(ЗТм)":
            position.groups["ОТм"] = row[C_SUM]
            continue
        if label == "Итого прямые затраты":
            position.printed["ПЗ"] = row[C_SUM]
            position.group = "extra"
            continue
        if label == "ФОТ":
            position.printed["ФОТ"] = row[C_SUM]
            continue
        if label == "Всего по позиции":
            position.printed["total"] = row[C_SUM]
            position.printed["per_unit"] = row[C_PRICE]
            continue
        if code.startswith("Пр/812") or code.startswith("Пр/774"):
            rate = {"code": code, "name": label[3:], "percent": num(row[C_PER])}
            if row[C_K]:
                rate["k"] = num(row[C_K])
            if code.startswith("Пр/812"):
                position.overhead = rate
                position.printed["НР"] = row[C_SUM]
            else:
                position.profit = rate
                position.printed["СП"] = row[C_SUM]
            continue
        if sub and position.group == "extra":
            if code.startswith("421/пр_2020_п.75"):
                position.aux = {"name": code, "percent": num(row[C_PER]),
                                "base": "labor_without_coefficients", "printed": row[C_SUM]}
                continue
            ex = {"number": sub, "kind": "equipment" if is_equipment_code(code) else "material",
                  "code": code.split(" (")[0], "name": label, "unit": row[C_UNIT],
                  "quantity": num(row[C_QTY])}
            add_price(ex, row)
            ex["_printed"] = row[C_SUM]
            position.extra.append(ex)
            continue
        if not code or position.group is None:
            continue
        res = {"code": code, "name": label, "unit": row[C_UNIT]}
        if position.group == "ОТ":
            res["kind"] = "labor"
        elif position.group == "ЭМ":
            if code.startswith("4-100"):
                # The machinist of the machine above: labour per machine-hour = its ratio.
                m = position.last_machine
                ratio = Decimal(num(row[C_PER])) / Decimal(m["consumption"])
                m["machinist"] = {"code": code, "labor_per_machine_hour": str(ratio.normalize()),
                                  "price": num(row[C_PRICE])}
                if row[C_K]:
                    position.k_col6["machinist_labor"] = num(row[C_K])
                continue
            res["kind"] = "machine"
        else:
            res["kind"] = "equipment" if is_equipment_code(code) else "material"
        if row[C_PER] in ("П", ""):
            res["consumption"] = "П"
        else:
            res["consumption"] = num(row[C_PER])
        if row[C_K]:
            key = {"labor": "labor", "machine": "machines"}.get(res["kind"], "materials")
            position.k_col6[key] = num(row[C_K])
        add_price(res, row)
        if res["kind"] == "machine":
            position.last_machine = res
        position.resources.append(res)
    return sections, totals


def add_price(obj, row):
    if row[C_BASE] and row[C_IDX]:
        obj["base_price"] = num(row[C_BASE])
        obj["index"] = num(row[C_IDX])
    elif row[C_PRICE]:
        obj["price"] = num(row[C_PRICE])


def product(coefs, key):
    got = Decimal(1)
    for c in coefs:
        got *= Decimal(c.get(key, "1"))
    return got


def coefficients_for(position):
    """The printed coefficients, with factors only where column 6 shows them applied.

    ПК РИК prints the п.58/прил.10 coefficients on every ГЭСН position of ЛСР 02-01-05 but applies
    none of them to columns 5–7 there (only a technical-part coefficient such as «в 2 слоя»);
    in ЛСР 02-01-02 and on ГЭСНм positions it applies all of them. Column 6 decides: the set of
    printed coefficients whose product equals it is applied; the others are kept by name only.
    """
    printed = [dict(c) for c in position.coefficients]
    applied_sets = [printed, [c for c in printed if not c["name"].startswith("421/пр")], []]
    kinds = {r["kind"] for r in position.resources if r.get("consumption") != "П"}
    keys = {"labor"} & ({"labor"} if "labor" in kinds else set())
    if "machine" in kinds:
        keys |= {"machines"}
        if any("machinist" in r for r in position.resources):
            keys |= {"machinist_labor"}
    if kinds & {"material", "equipment"}:
        keys |= {"materials"}
    # An empty column 6 means 1 for every kind the position has.
    want = {key: Decimal(position.k_col6.get(key, "1")) for key in keys}
    for applied in applied_sets:
        if all(product(applied, key) == w for key, w in want.items()):
            out = []
            for c in printed:
                if c in applied:
                    out.append(c)
                else:
                    out.append({"name": c["name"],
                                "note": "printed; not applied to consumption (column 6)"})
            return out
    raise SystemExit(f"position {position.number}: coefficients {printed} do not give column 6 "
                     f"{position.k_col6}")


def build(sections, totals, name, number):
    kinds = WORK_KIND_BY_POSITION.get(number, {})
    doc_sections = []
    exp_positions = []
    exp_sections = []
    for s in sections:
        if not s["positions"]:
            continue
        positions = []
        for p in s["positions"]:
            if p.is_norm:
                installation = p.code.startswith("ГЭСНм")
                pos = {"number": p.number, "type": "norm", "code": p.code, "name": p.name,
                       "unit": p.unit, "quantity": p.quantity,
                       "work_kind": "installation" if installation else "construction"}
                coefs = coefficients_for(p)
                if coefs:
                    pos["coefficients"] = coefs
                pos["resources"] = p.resources
                if p.extra:
                    pos["extra"] = [{k: v for k, v in x.items() if not k.startswith("_")}
                                    for x in p.extra]
                if p.aux:
                    pos["auxiliary_materials"] = {k: v for k, v in p.aux.items() if k != "printed"}
                if p.overhead:
                    pos["overhead"] = p.overhead
                if p.profit:
                    pos["profit"] = p.profit
            else:
                code = p.code.split(" (")[0]
                kind = "equipment" if is_equipment_code(code) else "material"
                pos = {"number": p.number, "type": "resource", "kind": kind, "code": code,
                       "name": p.name, "unit": p.unit, "quantity": p.quantity}
                if p.number in kinds:
                    pos["work_kind"] = kinds[p.number]
                add_price(pos, p.row)
            positions.append(pos)
            exp_positions.append(expected_position(p))
        doc_sections.append({"name": s["name"], "positions": positions})
        exp_sections.append(expected_section(s))
    doc = {"format": "estimate-document/1", "method": "resource-index", "name": name,
           "sections": doc_sections}
    expected = {"format": "estimate-result/1", "positions": exp_positions,
                "sections": exp_sections, "totals": expected_totals(totals)}
    return doc, expected


def expected_position(p):
    e = {"number": p.number, "total": money(p.printed["total"]),
         "per_unit": money(p.printed["per_unit"])}
    if not p.is_norm:
        return e
    extra_m = sum((Decimal(num(x["_printed"])) for x in p.extra if x["kind"] == "material"),
                  Decimal(0))
    extra_e = sum((Decimal(num(x["_printed"])) for x in p.extra if x["kind"] == "equipment"),
                  Decimal(0))
    if p.aux:
        extra_m += Decimal(num(p.aux["printed"]))
    g = {k: Decimal(num(v)) if v else Decimal(0) for k, v in p.groups.items()}
    e["ot"] = money(str(g.get("ОТ", 0)))
    e["em"] = money(str(g.get("ЭМ", 0)))
    e["otm"] = money(str(g.get("ОТм", 0)))
    e["m"] = money(str(g.get("М", 0) + extra_m))
    e["equipment"] = money(str(extra_e))
    e["direct"] = money(str(Decimal(num(p.printed["ПЗ"])) + extra_m))
    e["extra"] = money(str(extra_m + extra_e))
    e["fot"] = money(p.printed.get("ФОТ", "0"))
    e["overhead"] = money(p.printed.get("НР", "0"))
    e["profit"] = money(p.printed.get("СП", "0"))
    return e


def expected_section(s):
    pr = s["printed"]

    def g(key):
        return money(pr.get(key, "0"))
    e = {"name": s["name"], "direct": money(pr["direct"]),
         "ot": g("оплата труда (ОТ)"), "em": g("эксплуатация машин и механизмов"),
         "otm": g("оплата труда машинистов (ОТм)"), "m": g("материальные ресурсы"),
         "fot": g("Итого ФОТ"), "overhead": g("Итого накладные расходы"),
         "profit": g("Итого сметная прибыль"), "equipment": g("Итого оборудование"),
         "labor_hours": hours(pr.get("затраты труда рабочих", "0")),
         "machinist_hours": hours(pr.get("затраты труда машинистов", "0"))}
    total_key = next(k for k in pr if k.startswith("Итого по "))
    e["total"] = money(pr[total_key])
    return e


def expected_totals(t):
    def block(b, prefix=""):
        # A line the printout leaves out is zero.
        def g(key):
            return money(b.get(key, "0"))
        return {"direct": g(prefix + "прямые затраты"), "ot": g("оплата труда (ОТ)"),
                "em": g("эксплуатация машин и механизмов"),
                "otm": g("оплата труда машинистов (ОТм)"),
                "m": g("материальные ресурсы"), "fot": g(prefix + "ФОТ"),
                "overhead": g(prefix + "накладные расходы"),
                "profit": g(prefix + "сметная прибыль"), "total": g("total")}
    all_ = t["по смете"]
    e = block(all_, "Всего ")
    e["equipment"] = money(all_.get("Всего оборудование", "0"))
    by_kind = {}
    e["construction"] = money(t["строительные работы"]["total"]) \
        if "строительные работы" in t else "0.00"
    e["installation"] = money(t["монтажные работы"]["total"]) \
        if "монтажные работы" in t else "0.00"
    if "строительные работы" in t:
        by_kind["construction"] = block(t["строительные работы"])
    if "монтажные работы" in t:
        by_kind["installation"] = block(t["монтажные работы"])
    e["by_work_kind"] = by_kind
    ref = t.get("справочно", {})
    if "материальные ресурсы, отсутствующие в ФРСН" in ref:
        e["market_materials"] = money(ref["материальные ресурсы, отсутствующие в ФРСН"])
    if "оборудование, отсутствующее в ФРСН" in ref:
        e["market_equipment"] = money(ref["оборудование, отсутствующее в ФРСН"])
    return e


def main():
    fixture, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    text = fixture.read_text(encoding="utf-8")
    number = re.search(r"СМЕТА\) № (\S+)", text).group(1)
    title = text.splitlines()[text.splitlines().index(
        next(l for l in text.splitlines() if "СМЕТА) №" in l)) + 1].strip()
    sections, totals = parse(fixture)
    doc, expected = build(sections, totals, f"ЛСР {number} {title}", number)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "input.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")
    (out_dir / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n = sum(len(s["positions"]) for s in doc["sections"])
    print(f"{out_dir}: {n} positions, {len(doc['sections'])} sections")


if __name__ == "__main__":
    main()
