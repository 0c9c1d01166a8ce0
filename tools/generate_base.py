#!/usr/bin/env python3
"""Generates a full-size synthetic normative base in the ФСНБ-2022 XML formats, for benchmarks.

    tools/generate_base.py OUT_DIR [--norms 60000] [--materials 30000] [--machines 2000] [--seed 1]

Writes norms_gesn.xml (norms of 40 collections with ~16.7 resource lines each: ~1,000,000 rows),
fsbc_machines.xml, fsbc_materials.xml, tech_groups.xml, nrsp_binding.xlsx (copied layout of the
demo) and prices for 3 regions in prices_<region>_<zone>_<quarter>/ folders (ФГИС ЦС API shapes).
Names are built from Russian word lists so that search sees realistic text. Deterministic for a
seed.
"""
import argparse
import json
import os
import random
import sys
from xml.sax.saxutils import quoteattr

sys.path.insert(0, os.path.dirname(__file__))
import make_demo_base as demo  # noqa: E402  (the НР/СП XLSX writer and the rate table)

WORKS = ["Устройство", "Монтаж", "Прокладка", "Установка", "Разборка", "Демонтаж", "Окраска",
         "Облицовка", "Кладка", "Укладка", "Разработка", "Засыпка", "Изоляция", "Ремонт", "Замена",
         "Герметизация", "Очистка", "Гидроизоляция", "Штукатурка", "Бетонирование"]
OBJECTS = ["трубопроводов", "кровель", "стен", "перегородок", "полов", "фундаментов", "колонн",
           "балок", "плит перекрытия", "лестниц", "окон", "дверей", "кабелей", "воздуховодов",
           "светильников", "щитов", "насосов", "задвижек", "колодцев", "траншей", "откосов",
           "перемычек", "водостоков", "радиаторов", "вентиляторов", "трансформаторов", "опор",
           "ограждений", "покрытий", "оснований"]
MATERIAL_WORDS = ["из стальных труб", "из полиэтиленовых труб", "из кирпича керамического",
                  "из бетона класса B15", "из бетона класса B25", "из гипсокартонных листов",
                  "из керамической плитки", "из рулонных материалов", "из профилированного листа",
                  "из минеральной ваты", "из пенополистирола", "из древесины хвойных пород",
                  "из чугунных труб", "из медного кабеля", "из алюминиевых профилей"]
QUALIFIERS = ["диаметром {d} мм", "толщиной {t} мм", "массой до {m} т", "высотой до {h} м",
              "сечением до {s} мм2", "площадью до {a} м2", "глубиной до {h} м", "на высоте до {h} м"]
UNITS = ["100 м", "100 м2", "100 м3", "1 м3", "шт", "1 т", "10 шт", "100 шт", "1000 м3", "км"]
MAT_NAMES = ["Трубы стальные электросварные", "Трубы напорные из полиэтилена", "Кирпич керамический",
             "Смеси бетонные", "Раствор кладочный", "Плиты минераловатные", "Листы гипсокартонные",
             "Плитка керамическая", "Кабель силовой медный", "Провод установочный", "Краска акриловая",
             "Грунтовка глубокого проникновения", "Мастика битумная", "Сталь арматурная",
             "Доска обрезная", "Профиль стальной оцинкованный", "Песок природный", "Щебень гранитный",
             "Клей плиточный", "Герметик силиконовый", "Болты с гайками", "Дюбели распорные",
             "Электроды сварочные", "Задвижки чугунные", "Краны шаровые", "Фланцы стальные"]
MACH_NAMES = ["Краны на автомобильном ходу", "Экскаваторы одноковшовые", "Бульдозеры",
              "Автомобили бортовые", "Катки дорожные", "Компрессоры передвижные", "Агрегаты сварочные",
              "Погрузчики фронтальные", "Автогрейдеры", "Подъемники мачтовые", "Вибраторы глубинные",
              "Перфораторы электрические", "Лебедки электрические", "Машины бурильные"]
REGIONS = [("28", "Амурская область", "477.54"), ("77", "г. Москва", "552.32"),
           ("62", "Рязанская область", "401.19")]
QUARTER = "2025-Q2"


def qualifier(rng):
    return rng.choice(QUALIFIERS).format(d=rng.choice([15, 20, 25, 32, 40, 50, 65, 80, 100, 150, 200]),
                                         t=rng.choice([10, 20, 50, 100, 200, 300]),
                                         m=rng.choice([0.5, 1, 3, 5, 10]), h=rng.choice([2, 3, 4, 6, 10]),
                                         s=rng.choice([16, 35, 70, 120, 240]), a=rng.choice([1, 5, 10]))


def dec(rng, lo, hi, places):
    return f"{rng.uniform(lo, hi):.{places}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--norms", type=int, default=60000)
    ap.add_argument("--materials", type=int, default=30000)
    ap.add_argument("--machines", type=int, default=2000)
    ap.add_argument("--lines", type=float, default=16.7, help="resource lines per norm, on average")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    machines = []
    for i in range(args.machines):
        book = 1 + i % 40
        machines.append(f"91.{book:02d}.{1 + (i // 40) % 30:02d}-{i % 1000:03d}")
    machines = sorted(set(machines))
    materials = []
    for i in range(args.materials):
        materials.append(f"{1 + i % 60:02d}.{1 + (i // 60) % 9}.{(i // 540) % 99:02d}.{(i // 7) % 99:02d}-{i:04d}"[-20:])
    materials = sorted(set(materials))

    with open(os.path.join(args.out, "fsbc_machines.xml"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<ResourceCatalog>\n  <ResourcesDirectory>\n'
                '    <ResourceCategory Type="МашиныМеханизмы">\n'
                '      <Section Name="Строительные машины и механизмы" Code="91" Type="Книга">\n')
        for code in machines:
            rank = rng.choice([4, 5, 6])
            name = f"{rng.choice(MACH_NAMES)}, {qualifier(rng)}"
            f.write(f'        <Resource Code="{code}" Name={quoteattr(name)} MeasureUnit="маш.-ч">\n'
                    f'          <Prices>\n            <Price SalaryMach="{dec(rng, 300, 460, 2)}" LabourMach="1.00" '
                    f'PriceCostWithoutSalary="{dec(rng, 5, 3000, 2)}" WithRelocation="false" '
                    f'DriverCode="4-100-0{rank}0" MachinistCategory="{rank}.0" />\n          </Prices>\n'
                    '        </Resource>\n')
        f.write('      </Section>\n    </ResourceCategory>\n  </ResourcesDirectory>\n</ResourceCatalog>\n')

    with open(os.path.join(args.out, "fsbc_materials.xml"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<ResourceCatalog>\n  <ResourcesDirectory>\n'
                '    <ResourceCategory Type="Материалы">\n'
                '      <Section Name="Материалы для строительных работ" Code="01" Type="Книга">\n')
        for code in materials:
            name = f"{rng.choice(MAT_NAMES)} {rng.choice(MATERIAL_WORDS)}, {qualifier(rng)}"
            cost = dec(rng, 1, 90000, 2)
            f.write(f'        <Resource Code="{code}" Name={quoteattr(name)} MeasureUnit="{rng.choice(["м", "м2", "м3", "т", "кг", "шт"])}">\n'
                    f'          <Prices>\n            <Price Cost="{cost}" OptCost="{cost}" />\n          </Prices>\n'
                    '        </Resource>\n')
        f.write('      </Section>\n    </ResourceCategory>\n  </ResourcesDirectory>\n</ResourceCatalog>\n')

    groups = {}
    with open(os.path.join(args.out, "tech_groups.xml"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<NewDataSet>\n  <base BaseName="Технологические группы (синтетические)">\n')
        for g in range(2000):
            code = f"27.{g // 100:02d}.{g % 100:03d}"
            members = rng.sample(materials, 8)
            groups[code] = members
            f.write(f'    <TechnologyGroup Code="{code}">\n')
            f.writelines(f'      <Resource Code="{m}" />\n' for m in members)
            f.write('    </TechnologyGroup>\n')
        f.write('  </base>\n</NewDataSet>\n')
    group_codes = list(groups)

    rate_codes = [r[0] for r in demo.RATES]
    written_lines = 0
    with open(os.path.join(args.out, "norms_gesn.xml"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<base PriceLevel="01.01.2022" BaseType="ГЭСН" '
                'BaseName="ГЭСН синтетическая">\n  <ResourcesDirectory>\n'
                '    <ResourceCategory Type="СТРОИТЕЛЬНЫЕ РАБОТЫ" CodePrefix="ГЭСН">\n')
        per_collection = args.norms // 40 + 1
        n = 0
        for coll in range(1, 41):
            f.write(f'      <Section Name={quoteattr(rng.choice(WORKS) + " " + rng.choice(OBJECTS))} Type="Сборник" Code="{coll:02d}">\n')
            table = 0
            while n < min(args.norms, coll * per_collection):
                table += 1
                work = rng.choice(WORKS)
                obj = rng.choice(OBJECTS)
                mat = rng.choice(MATERIAL_WORDS)
                tcode = f"{coll:02d}-{1 + table // 100:02d}-{table % 1000:03d}"
                f.write(f'        <Section Name={quoteattr(f"{work} {obj} {mat}")} Type="Таблица" Code="{tcode}">\n'
                        f'          <NameGroup BeginName={quoteattr(f"{work} {obj} {mat}:")}>\n')
                for k in range(1, 1 + rng.randint(3, 9)):
                    if n >= min(args.norms, coll * per_collection):
                        break
                    n += 1
                    unit = rng.choice(UNITS)
                    f.write(f'            <Work Code="{tcode}-{k:02d}" EndName={quoteattr(qualifier(rng))} MeasureUnit="{unit}">\n'
                            '              <Content>\n'
                            f'                <Item Text={quoteattr(f"{work} {obj}.")} />\n'
                            '                <Item Text="Подготовка поверхности." />\n'
                            '              </Content>\n              <Resources>\n')
                    count = max(3, int(rng.gauss(args.lines, 4)))
                    f.write(f'                <Resource Code="1-100-{rng.choice([20, 27, 30, 32, 35, 38, 40, 42])}" Quantity="{dec(rng, 0.1, 400, 2)}" />\n')
                    f.write(f'                <Resource Code="2" Quantity="{dec(rng, 0.01, 40, 2)}" />\n')
                    lines = 2
                    for _ in range(min(4, count // 4)):
                        f.write(f'                <Resource Code="{rng.choice(machines)}" Quantity="{dec(rng, 0.01, 30, 2)}" />\n')
                        lines += 1
                    while lines < count:
                        if rng.random() < 0.05:
                            g = rng.choice(group_codes)
                            f.write(f'                <AbstractResource Code="{groups[g][0][:10]}" Name="Материалы по проекту" MeasureUnit="м2" Quantity="{dec(rng, 1, 200, 1)}" TechnologyGroups="{g}" />\n')
                        elif rng.random() < 0.03:
                            f.write(f'                <Resource Code="{rng.choice(materials)}" Quantity="П" />\n')
                        else:
                            f.write(f'                <Resource Code="{rng.choice(materials)}" Quantity="{dec(rng, 0.0001, 120, 4)}" />\n')
                        lines += 1
                    written_lines += lines
                    nr = rng.choice(rate_codes)
                    f.write('              </Resources>\n              <NrSp>\n'
                            f'                <ReasonItem Nr="Пр/812-{nr}" Sp="Пр/774-{nr}" />\n'
                            '              </NrSp>\n            </Work>\n')
                f.write('          </NameGroup>\n        </Section>\n')
            f.write('      </Section>\n')
        f.write('    </ResourceCategory>\n  </ResourcesDirectory>\n</base>\n')

    demo.rates_xlsx(os.path.join(args.out, "nrsp_binding.xlsx"))
    for region, name, rank1 in REGIONS:
        d = os.path.join(args.out, f"prices_{region}_1_{QUARTER}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "worker_salary.json"), "w", encoding="utf-8") as f:
            json.dump({"total": 1, "items": [{"code": "1-100-10", "salaryRateName": "Средний разряд работы 1,0",
                                              "salaryRateRank": "1.0", "salary": rank1}]}, f, ensure_ascii=False)
        items = [{"code": c, "estimatedPrice": dec(rng, 1, 120000, 2), "ksrType": 1} for c in materials]
        items += [{"code": c, "estimatedPrice": dec(rng, 5, 5000, 2), "ksrType": 2} for c in machines]
        with open(os.path.join(d, "current_prices.json"), "w", encoding="utf-8") as f:
            json.dump({"items": [{"id": 1, "items": items}], "total": len(items)}, f, ensure_ascii=False)
    print(f"{args.norms} norms, {written_lines} resource lines, {len(materials)} materials, "
          f"{len(machines)} machines, {len(group_codes)} technology groups, {len(REGIONS)} regions → {args.out}")


if __name__ == "__main__":
    main()
