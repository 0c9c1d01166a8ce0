#!/usr/bin/env python3
"""Writes a synthetic estimate document (contracts/calc-v1.md) for the calc benchmarks:
N positions (default 10 000) in 20 sections, each norm with 12 resource lines (labour, 3 machines
with machinists, 8 materials), coefficients, НР/СП and a sub-row; every 10th position is a
stand-alone material. Deterministic (seeded).

Usage: make_calc_document.py OUTPUT.json [POSITIONS]
"""
import json
import random
import sys


def d(rnd, lo, hi, places):
    return f"{rnd.uniform(lo, hi):.{places}f}"


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rnd = random.Random(421)
    sections = [{"name": f"Раздел {i + 1}. Синтетический", "positions": []} for i in range(20)]
    lines = 0
    for i in range(n):
        number = str(i + 1)
        if i % 10 == 9:
            pos = {"number": number, "type": "resource", "kind": "material",
                   "code": f"01.7.15.03-{i:04d}", "name": "Материал", "unit": "кг",
                   "quantity": d(rnd, 0.1, 100, 3), "base_price": d(rnd, 10, 5000, 2),
                   "index": d(rnd, 0.8, 3, 2)}
            lines += 1
        else:
            resources = [{"kind": "labor", "code": "1-100-38", "name": "Средний разряд работы 3,8",
                          "unit": "чел.-ч", "consumption": d(rnd, 0.1, 50, 4), "price": "625.58"}]
            for m in range(3):
                resources.append({"kind": "machine", "code": f"91.14.02-00{m}", "name": "Машина",
                                  "unit": "маш.-ч", "consumption": d(rnd, 0.001, 2, 4),
                                  "price": d(rnd, 30, 2500, 2),
                                  "machinist": {"code": "4-100-040", "labor_per_machine_hour": "1",
                                                "price": "639.90"}})
            for m in range(8):
                resources.append({"kind": "material", "code": f"01.7.07.29-0{m}01",
                                  "name": "Материал", "unit": "кг",
                                  "consumption": d(rnd, 0.00001, 5, 5),
                                  "base_price": d(rnd, 10, 90000, 2), "index": d(rnd, 0.8, 3, 2)})
            lines += len(resources)
            pos = {"number": number, "type": "norm", "code": "ГЭСН16-06-005-01",
                   "name": "Синтетическая расценка", "unit": "шт",
                   "quantity": d(rnd, 0.01, 200, 4),
                   "work_kind": "installation" if i % 3 == 0 else "construction",
                   "coefficients": [
                       {"name": "421/пр_2020_п.58_пп.б", "labor": "1.15",
                        "machinist_labor": "1.25", "machines": "1.25"},
                       {"name": "421/пр_2020_прил.10_т.5_п.1.1_гр.3", "labor": "1.2",
                        "machinist_labor": "1.2", "machines": "1.2"}],
                   "resources": resources,
                   "extra": [{"kind": "material", "code": "23.3.06.05-0011", "name": "Трубы",
                              "unit": "м", "quantity": d(rnd, 1, 50, 2),
                              "price": d(rnd, 50, 900, 2)}],
                   "overhead": {"code": "Пр/812-016.0-1", "percent": "121", "k": "0.9"},
                   "profit": {"code": "Пр/774-016.0", "percent": "72", "k": "0.85"}}
        sections[i * 20 // n]["positions"].append(pos)
    doc = {"format": "estimate-document/1", "method": "resource-index",
           "name": f"Синтетическая смета, {n} позиций", "sections": sections}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    print(f"{out}: {n} positions, {lines} resource lines", file=sys.stderr)


if __name__ == "__main__":
    main()
