#!/usr/bin/env python3
"""Writes the project's demo normative base (demo/base/) in the ФСНБ-2022 / ФГИС ЦС formats.

A small, self-consistent base authored for this project: norms of five families with real-looking
names and consumptions, the machines and materials they use (ФСБЦ layout), technology groups, an
НР/СП binding (XLSX in the layout of the Minstroy recommendation) and current prices of one region
and quarter (Амурская область, 1 зона, II квартал 2025) in the ФГИС ЦС API shapes. `make run`
imports it with `--region 28 --zone 1 --quarter 2025-Q2`. Re-running gives byte-identical files.
"""
import json
import os
import sys
import zipfile
from xml.sax.saxutils import quoteattr, escape

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "demo", "base")

# ---------------------------------------------------------------- price book (base 01.01.2022)
# code, name, unit, base price without machinists' pay, machinist pay, labour, driver, rank
MACHINES = [
    ("91.01.01-035", "Бульдозеры, мощность 79 кВт (108 л.с.)", "маш.-ч", "1046.79", "386.65", "1.00", "4-100-050", "5.0"),
    ("91.01.05-085", "Экскаваторы одноковшовые дизельные на гусеничном ходу, емкость ковша 0,5 м3", "маш.-ч", "1178.71", "386.65", "1.00", "4-100-050", "5.0"),
    ("91.05.01-017", "Краны башенные, грузоподъемность 8 т", "маш.-ч", "622.62", "451.93", "1.00", "4-100-060", "6.0"),
    ("91.05.05-015", "Краны на автомобильном ходу, грузоподъемность 16 т", "маш.-ч", "1167.70", "451.93", "1.00", "4-100-060", "6.0"),
    ("91.06.03-061", "Лебедки электрические тяговым усилием до 12,26 кН (1,25 т)", "маш.-ч", "6.62", "0", "0", "", ""),
    ("91.07.04-001", "Вибраторы глубинные", "маш.-ч", "8.31", "0", "0", "", ""),
    ("91.08.04-021", "Котлы битумные передвижные электрические, объем 400 л", "маш.-ч", "95.25", "0", "0", "", ""),
    ("91.14.02-001", "Автомобили бортовые, грузоподъемность до 5 т", "маш.-ч", "576.15", "336.43", "1.00", "4-100-040", "4.0"),
    ("91.17.04-233", "Аппараты сварочные для ручной дуговой сварки, сварочный ток до 350 А", "маш.-ч", "10.73", "0", "0", "", ""),
    ("91.21.22-638", "Пила дисковая электрическая", "маш.-ч", "11.04", "0", "0", "", ""),
]
# code, name, unit, base price (Cost), wholesale (OptCost), kind
MATERIALS = [
    ("01.2.03.03-0012", "Мастика битумная кровельная горячая", "т", "40873.18", "38927.79", "material"),
    ("01.3.02.09-0022", "Пропан-бутан смесь техническая", "кг", "41.38", "39.41", "material"),
    ("01.7.03.01-0001", "Вода", "м3", "38.51", "36.68", "material"),
    ("01.7.07.29-0101", "Очес льняной", "кг", "128.40", "122.29", "material"),
    ("01.7.11.07-0034", "Электроды сварочные Э42, диаметр 4 мм", "кг", "103.47", "98.54", "material"),
    ("01.7.15.06-0111", "Гвозди строительные", "т", "111840.00", "106514.29", "material"),
    ("02.2.01.02-1042", "Гравий М 400-1000, фракция 5(3)-10 мм", "м3", "1174.99", "839.50", "material"),
    ("02.3.01.02-1102", "Песок природный для строительных работ, средний", "м3", "587.48", "559.50", "material"),
    ("04.1.02.05-0006", "Смеси бетонные тяжелого бетона (БСТ), класс B15 (М200)", "м3", "5745.54", "5471.94", "material"),
    ("04.1.02.05-0008", "Смеси бетонные тяжелого бетона (БСТ), класс B22,5 (М300)", "м3", "6278.16", "5979.20", "material"),
    ("04.3.01.09-0014", "Раствор готовый кладочный, цементный, М100", "м3", "4658.40", "4436.57", "material"),
    ("05.1.01.09-0048", "Перемычки железобетонные брусковые 2ПБ13-1", "шт", "345.15", "328.71", "material"),
    ("06.1.01.05-0035", "Кирпич керамический одинарный полнотелый М150", "1000 шт", "17834.62", "16985.35", "material"),
    ("08.1.02.17-0171", "Сетка тканая с квадратными ячейками № 05, стальная", "м2", "177.56", "169.10", "material"),
    ("08.4.03.02-0003", "Сталь арматурная, горячекатаная, периодического профиля, класс А500С, диаметр 12 мм", "т", "85421.00", "81353.33", "material"),
    ("11.1.03.06-0095", "Доска обрезная хвойных пород, толщина 25 мм, III сорт", "м3", "15920.80", "15162.67", "material"),
    ("12.1.02.03-0041", "Материал рулонный кровельный наплавляемый, верхний слой, основа стеклоткань", "м2", "230.15", "219.19", "material"),
    ("12.1.02.03-0052", "Материал рулонный кровельный наплавляемый, нижний слой, основа стеклохолст", "м2", "151.86", "144.63", "material"),
    ("14.4.02.09-0001", "Краска водно-дисперсионная акриловая для внутренних работ", "кг", "129.45", "123.29", "material"),
    ("14.5.09.11-0102", "Шпатлевка полимерная универсальная", "кг", "78.66", "74.91", "material"),
    ("18.1.10.12-0046", "Кран шаровой латунный муфтовый, номинальное давление 1,6 МПа, диаметр 25 мм", "шт", "1036.53", "987.17", "material"),
    ("18.5.08.09-0011", "Фильтр сетчатый магнитный фланцевый, диаметр 50 мм", "шт", "6412.25", "6106.90", "material"),
    ("23.3.06.04-0014", "Трубы стальные водогазопроводные оцинкованные, диаметр 25 мм, толщина стенки 3,2 мм", "м", "412.10", "392.48", "material"),
    ("23.3.06.04-0016", "Трубы стальные водогазопроводные оцинкованные, диаметр 50 мм, толщина стенки 3,5 мм", "м", "786.44", "749.00", "material"),
    ("24.3.01.01-0011", "Трубы напорные из полиэтилена ПЭ100, SDR 17, диаметр 110 мм", "м", "516.93", "492.31", "material"),
    ("62.1.01.02-0101", "Счетчик холодной воды крыльчатый, диаметр 40 мм", "шт", "7239.00", "6894.29", "equipment"),
    ("62.4.04.01-0005", "Щит распределительный навесной, 12 модулей", "шт", "3884.10", "3699.14", "equipment"),
]
TECH_GROUPS = [
    ("27.01.050", ["12.1.02.03-0052"]),
    ("27.01.053", ["12.1.02.03-0041"]),
    ("27.03.039", ["01.2.03.03-0012"]),
    ("27.05.011", ["23.3.06.04-0014", "23.3.06.04-0016"]),
]

# ---------------------------------------------------------------- norms
# family → (category type, collections: [(code, name, [(table code, table name, begin, [works])])])
# work: (code, end name, unit, [content], [(code, name or None, unit or None, quantity, abstract TG)], nr, sp)
L = lambda code, q, name=None: (code, name, "чел.-ч" if name else None, q, None)
R = lambda code, q: (code, None, None, q, None)
A = lambda code, name, unit, q, tg: (code, name, unit, q, tg)
RANK = {"1-100-20": "Средний разряд работы 2,0", "1-100-27": "Средний разряд работы 2,7",
        "1-100-30": "Средний разряд работы 3,0", "1-100-32": "Средний разряд работы 3,2",
        "1-100-34": "Средний разряд работы 3,4", "1-100-35": "Средний разряд работы 3,5",
        "1-100-38": "Средний разряд работы 3,8", "1-100-40": "Средний разряд работы 4,0",
        "1-100-42": "Средний разряд работы 4,2"}
W = lambda code, q: (code, RANK[code], None, q, None)

NORMS = {
    "ГЭСН": ("СТРОИТЕЛЬНЫЕ РАБОТЫ", [
        ("01", "Земляные работы", [
            ("01-01-013", "Разработка грунта экскаваторами в отвал", "Разработка грунта в отвал экскаваторами «драглайн» или «обратная лопата» с ковшом вместимостью 0,5 м3, группа грунтов:", [
                ("01-01-013-01", "1", "1000 м3", ["Разработка грунта с погрузкой в отвал.", "Очистка ковша."],
                 [W("1-100-30", "8.5"), R("2", "25.6"), R("91.01.05-085", "25.6"), R("91.01.01-035", "3.1")], "001.1"),
                ("01-01-013-02", "2", "1000 м3", ["Разработка грунта с погрузкой в отвал.", "Очистка ковша."],
                 [W("1-100-30", "10.6"), R("2", "32.4"), R("91.01.05-085", "32.4"), R("91.01.01-035", "3.9")], "001.1"),
            ]),
            ("01-02-057", "Разработка грунта вручную", "Разработка грунта вручную в траншеях глубиной до 2 м без креплений с откосами, группа грунтов:", [
                ("01-02-057-02", "2", "100 м3", ["Разработка грунта с выкидкой на бровку.", "Зачистка дна и стенок."],
                 [W("1-100-20", "154")], "001.2"),
            ]),
        ]),
        ("06", "Бетонные и железобетонные конструкции монолитные", [
            ("06-01-001", "Устройство бетонной подготовки", "Устройство бетонной подготовки", [
                ("06-01-001-01", "", "100 м3", ["Установка опалубки.", "Укладка бетонной смеси.", "Уход за бетоном."],
                 [W("1-100-35", "180"), R("2", "18"), R("91.05.01-017", "18"), R("91.07.04-001", "31"),
                  R("04.1.02.05-0006", "102"), R("11.1.03.06-0095", "0.55"), R("01.7.15.06-0111", "0.004")], "006.0"),
            ]),
            ("06-01-034", "Устройство фундаментных плит железобетонных", "Устройство фундаментных плит железобетонных плоских:", [
                ("06-01-034-01", "толщиной до 500 мм", "100 м3", ["Установка опалубки.", "Установка арматуры.", "Укладка бетонной смеси.", "Уход за бетоном."],
                 [W("1-100-38", "309.7"), R("2", "24.6"), R("91.05.01-017", "24.6"), R("91.07.04-001", "44.3"),
                  R("04.1.02.05-0008", "101.5"), R("08.4.03.02-0003", "П"), R("11.1.03.06-0095", "0.84"),
                  R("01.7.11.07-0034", "0.018")], "006.0"),
            ]),
        ]),
        ("08", "Конструкции из кирпича и блоков", [
            ("08-02-001", "Кладка стен кирпичных", "Кладка стен кирпичных наружных простых при высоте этажа до 4 м:", [
                ("08-02-001-01", "", "1 м3", ["Подача кирпича и раствора.", "Кладка стен с расшивкой швов.", "Установка перемычек."],
                 [W("1-100-38", "5.4"), R("2", "0.4"), R("91.05.01-017", "0.4"), R("06.1.01.05-0035", "0.394"),
                  R("04.3.01.09-0014", "0.24"), R("05.1.01.09-0048", "П")], "008.0"),
            ]),
        ]),
        ("12", "Кровли", [
            ("12-01-002", "Устройство кровель из наплавляемых материалов", "Устройство кровель плоских из наплавляемых материалов:", [
                ("12-01-002-09", "в два слоя", "100 м2", ["Огрунтовка основания.", "Наплавление рулонных материалов с разогревом горелкой."],
                 [W("1-100-38", "27.8"), R("2", "0.79"), R("91.05.01-017", "0.6"), R("91.14.02-001", "0.19"),
                  R("01.3.02.09-0022", "52"),
                  A("12.1.02.15", "Материалы рулонные кровельные для верхнего слоя", "м2", "115", "27.01.053"),
                  A("12.1.02.15", "Материалы рулонные кровельные для нижних слоев", "м2", "115", "27.01.050")], "012.0"),
            ]),
            ("12-01-015", "Устройство пароизоляции", "Устройство пароизоляции:", [
                ("12-01-015-02", "обмазочной в один слой", "100 м2", ["Огрунтовка основания.", "Нанесение мастики."],
                 [W("1-100-30", "9.72"), R("2", "0.15"), R("91.08.04-021", "0.9"), R("91.14.02-001", "0.15"),
                  A("01.2.03.03", "Мастики битумосодержащие", "т", "0.24", "27.03.039")], "012.0"),
            ]),
        ]),
        ("15", "Отделочные работы", [
            ("15-04-005", "Окраска водно-дисперсионными составами", "Окраска поливинилацетатными водоэмульсионными составами улучшенная:", [
                ("15-04-005-03", "по штукатурке и сборным конструкциям стен, подготовленным под окраску", "100 м2", ["Огрунтовка.", "Окраска за два раза."],
                 [W("1-100-32", "27.5"), R("2", "0.03"), R("91.06.03-061", "0.03"), R("14.4.02.09-0001", "40.5"),
                  R("14.5.09.11-0102", "6.8"), R("01.7.03.01-0001", "0.01")], "015.0"),
            ]),
        ]),
        ("16", "Трубопроводы внутренние", [
            ("16-02-005", "Прокладка трубопроводов водоснабжения из стальных труб", "Прокладка трубопроводов водоснабжения из стальных водогазопроводных оцинкованных труб диаметром:", [
                ("16-02-005-02", "25 мм", "100 м", ["Прокладка трубопроводов.", "Установка креплений.", "Гидравлическое испытание."],
                 [W("1-100-40", "98.4"), R("2", "0.28"), R("91.14.02-001", "0.28"), R("91.17.04-233", "2.2"),
                  R("23.3.06.04-0014", "100"), R("01.7.11.07-0034", "0.6"), R("01.7.03.01-0001", "0.19")], "016.0"),
                ("16-02-005-05", "50 мм", "100 м", ["Прокладка трубопроводов.", "Установка креплений.", "Гидравлическое испытание."],
                 [W("1-100-40", "132.3"), R("2", "0.52"), R("91.14.02-001", "0.52"), R("91.17.04-233", "3.7"),
                  R("23.3.06.04-0016", "100"), R("01.7.11.07-0034", "1.1"), R("01.7.03.01-0001", "0.6")], "016.0"),
            ]),
            ("16-06-005", "Установка счетчиков (водомеров)", "Установка счетчиков (водомеров) диаметром:", [
                ("16-06-005-01", "до 40 мм", "шт", ["Установка счетчика с присоединением к трубопроводу."],
                 [W("1-100-38", "0.2971"), R("2", "0.0067"), R("91.14.02-001", "0.0067"), R("01.7.07.29-0101", "0.01")], "016.0"),
            ]),
        ]),
    ]),
    "ГЭСНм": ("МОНТАЖНЫЕ РАБОТЫ", [
        ("08", "Электротехнические установки", [
            ("08-03-591", "Щитки осветительные", "Щиток осветительный, устанавливаемый:", [
                ("08-03-591-03", "на стене распорными дюбелями, масса щитка до 6 кг", "шт", ["Установка щитка.", "Подключение проводов."],
                 [W("1-100-42", "2.76"), R("2", "0.02"), R("91.14.02-001", "0.02"), R("62.4.04.01-0005", "П")], "065.0"),
            ]),
        ]),
    ]),
    "ГЭСНр": ("РЕМОНТНО-СТРОИТЕЛЬНЫЕ РАБОТЫ", [
        ("65", "Внутренние санитарно-технические работы", [
            ("65-01-001", "Разборка трубопроводов", "Разборка трубопроводов из водогазопроводных труб диаметром:", [
                ("65-01-001-02", "до 63 мм", "100 м", ["Разборка трубопровода с креплениями.", "Перемещение в пределах этажа."],
                 [W("1-100-30", "23.4"), R("2", "0.12"), R("91.14.02-001", "0.12")], "065.0"),
            ]),
        ]),
    ]),
    "ГЭСНп": ("ПУСКОНАЛАДОЧНЫЕ РАБОТЫ", [
        ("02", "Автоматизированные системы управления", [
            ("02-01-001", "Проверка систем водоснабжения", "Пусконаладочные работы системы водоснабжения, количество узлов:", [
                ("02-01-001-01", "до 5", "система", ["Проверка работы узлов.", "Регулировка."],
                 [R("1", "26.7"), ("2-100-05", "Рабочий 5 разряда", "чел.-ч", "4.2", None),
                  ("3-200-02", "Инженер II категории", "чел.-ч", "22.5", None)], "060.0"),
            ]),
        ]),
    ]),
    "ГЭСНмр": ("КАПИТАЛЬНЫЙ РЕМОНТ ОБОРУДОВАНИЯ", [
        ("38", "Капитальный ремонт насосов", [
            ("38-01-001", "Капитальный ремонт насосов центробежных", "Капитальный ремонт насоса центробежного массой:", [
                ("38-01-001-01", "до 0,1 т", "шт", ["Разборка.", "Дефектация.", "Замена изношенных деталей.", "Сборка и испытание."],
                 [W("1-100-40", "18.3"), R("01.7.03.01-0001", "0.05")], "065.0"),
            ]),
        ]),
    ]),
}
FILES = {"ГЭСН": "gesn", "ГЭСНм": "gesnm", "ГЭСНр": "gesnr", "ГЭСНп": "gesnp", "ГЭСНмр": "gesnmr"}

# НР/СП binding rows: code (without Т), work type, collections, НР % Т/МПРКС/РКС, СП %
RATES = [
    ("001.1", "Земляные работы, выполняемые механизированным способом", "ГЭСН 01, раздел 1", "92", "93", "97", "46"),
    ("001.2", "Земляные работы, выполняемые ручным способом", "ГЭСН 01, раздел 2", "89", "90", "93", "40"),
    ("006.0", "Бетонные и железобетонные монолитные конструкции", "ГЭСН 06", "105", "110", "116", "65"),
    ("008.0", "Конструкции из кирпича и блоков", "ГЭСН 08", "108", "113", "119", "65"),
    ("012.0", "Кровли", "ГЭСН 12", "120", "126", "132", "65"),
    ("015.0", "Отделочные работы", "ГЭСН 15", "105", "110", "116", "55"),
    ("016.0", "Трубопроводы внутренние", "ГЭСН 16", "128", "134", "141", "83"),
    ("060.0", "Пусконаладочные работы", "ГЭСНп", "63", "66", "69", "40"),
    ("065.0", "Внутренние санитарно-технические и электромонтажные работы", "ГЭСНм 08, ГЭСНр 65, ГЭСНмр", "121", "127", "133", "72"),
]

# Current prices, Амурская область, 1 зона, II квартал 2025 (ФГИС ЦС API shapes).
RANK1 = "477.54"
SALARY = [("1-100-10", "Средний разряд работы 1,0", "1.0", "477.54"),
          ("1-100-38", "Средний разряд работы 3,8", "3.8", "625.58"),
          ("2-100-05", "Рабочий 5 разряда", "5.0", "735.41"),
          ("3-200-02", "Инженер II категории", "", "812.40"),
          ("4-100-040", "Машинист 4 разряда", "4.0", "639.90"),
          ("4-100-050", "Машинист 5 разряда", "5.0", "735.41"),
          ("4-100-060", "Машинист 6 разряда", "6.0", "859.57")]
MACHINE_INDEX = {"91.01": "1.46", "91.05": "1.34", "91.06": "1.12", "91.07": "1.52", "91.08": "1.39",
                 "91.14": "1.44", "91.17": "1.21", "91.21": "1.18"}
MATERIAL_INDEX = {"01": "1.64", "02": "1.71", "04": "1.26", "05": "1.38", "06": "1.33", "08": "1.19",
                  "11": "1.89", "12": "1.47", "14": "1.52", "18": "1.43", "23": "1.89", "24": "1.37",
                  "62": "1.09"}


def price(base, index):
    from decimal import Decimal, ROUND_HALF_UP
    return str((Decimal(base) * Decimal(index)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def write(name, text):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def norm_file(prefix, category, collections):
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<base PriceLevel="01.01.2022" CreationDate="11/25/2026" CreationTime="12:00 PM" ProgramName="Estimate Service demo" BaseName="{prefix} демо" BaseType="{prefix}">',
           '  <Decrees>', f'    <Decree Name="ДЕМОНСТРАЦИОННАЯ БАЗА {prefix}-2022 (Estimate Service)" />', '  </Decrees>',
           '  <ResourcesDirectory>', f'    <ResourceCategory Type={quoteattr(category)} CodePrefix="{prefix}">']
    for code, name, tables in collections:
        out.append(f'      <Section Name={quoteattr(name)} Type="Сборник" Code="{code}">')
        for tcode, tname, begin, works in tables:
            out.append(f'        <Section Name={quoteattr(tname)} Type="Таблица" Code="{tcode}">')
            out.append(f'          <NameGroup BeginName={quoteattr(begin)}>')
            for wcode, end, unit, content, resources, nrsp in works:
                out.append(f'            <Work Code="{wcode}" EndName={quoteattr(end)} MeasureUnit={quoteattr(unit)}>')
                out.append('              <Content>')
                out += [f'                <Item Text={quoteattr(t)} />' for t in content]
                out.append('              </Content>')
                out.append('              <Resources>')
                for rcode, rname, runit, q, tg in resources:
                    if tg:
                        out.append(f'                <AbstractResource Code="{rcode}" Name={quoteattr(rname)} MeasureUnit={quoteattr(runit)} Quantity="{q}" TechnologyGroups="{tg}" />')
                    else:
                        attrs = f'Code="{rcode}"'
                        if rname:
                            attrs += f' EndName={quoteattr(rname)}'
                        if runit:
                            attrs += f' MeasureUnit={quoteattr(runit)}'
                        out.append(f'                <Resource {attrs} Quantity="{q}" />')
                out.append('              </Resources>')
                out.append(f'              <NrSp>\n                <ReasonItem Nr="Пр/812-{nrsp}" Sp="Пр/774-{nrsp}" />\n              </NrSp>')
                out.append('            </Work>')
            out.append('          </NameGroup>')
            out.append('        </Section>')
        out.append('      </Section>')
    out += ['    </ResourceCategory>', '  </ResourcesDirectory>', '</base>', '']
    return "\n".join(out)


def machines_file():
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<ResourceCatalog>', '  <Decrees>',
           '    <ApprovingActNumber>демо</ApprovingActNumber>', '    <ApprovingActDate>25.11.2026</ApprovingActDate>',
           '  </Decrees>', '  <ResourcesDirectory>', '    <ResourceCategory Type="МашиныМеханизмы">',
           '      <Section Name="Строительные машины и механизмы" Code="91" Type="Книга">']
    for code, name, unit, base, salary, labour, driver, rank in MACHINES:
        out.append(f'        <Resource Code="{code}" Name={quoteattr(name)} MeasureUnit={quoteattr(unit)}>')
        driver_attr = f' DriverCode="{driver}"' if driver else ""
        out.append(f'          <Prices>\n            <Price SalaryMach="{salary}" LabourMach="{labour}" PriceCostWithoutSalary="{base}" WithRelocation="false"{driver_attr} MachinistCategory="{rank}" />\n          </Prices>')
        out.append('          <ExpendableMaterials>\n            <Material Electricity="0" ElectricityCost="0" />\n          </ExpendableMaterials>')
        out.append('        </Resource>')
    out += ['      </Section>', '    </ResourceCategory>', '  </ResourcesDirectory>', '</ResourceCatalog>', '']
    return "\n".join(out)


def materials_file():
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<ResourceCatalog>', '  <ResourcesDirectory>']
    for kind, title, book in (("material", "Материалы", "Материалы для строительных работ"),
                              ("equipment", "Оборудование", "Оборудование")):
        out.append(f'    <ResourceCategory Type="{title}">')
        out.append(f'      <Section Name="{book}" Code="{"62" if kind == "equipment" else "01"}" Type="Книга">')
        for code, name, unit, cost, opt, k in MATERIALS:
            if k != kind:
                continue
            out.append(f'        <Resource Code="{code}" Name={quoteattr(name)} MeasureUnit={quoteattr(unit)}>')
            out.append(f'          <Prices>\n            <Price Cost="{cost}" OptCost="{opt}" />\n          </Prices>')
            out.append('        </Resource>')
        out.append('      </Section>')
        out.append('    </ResourceCategory>')
    out += ['  </ResourcesDirectory>', '</ResourceCatalog>', '']
    return "\n".join(out)


def tech_groups_file():
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<NewDataSet>', '  <base BaseName="Технологические группы (демо)">']
    for code, members in TECH_GROUPS:
        out.append(f'    <TechnologyGroup Code="{code}">')
        out += [f'      <Resource Code="{m}" />' for m in members]
        out.append('    </TechnologyGroup>')
    out += ['  </base>', '</NewDataSet>', '']
    return "\n".join(out)


def rates_xlsx(path):
    header = [["Рекомендуемая привязка нормативов накладных расходов и сметной прибыли (демо)"],
              ["Сокращения: Методика № 812/пр, Методика № 774/пр"],
              ["№ п/п", "Шифр без указания территории (Т)", "Виды работ", "Наименование сборников, к которым применяется",
               "Норматив НР, %, Методика № 812/пр", "", "", "Норматив СП, %, Методика № 774/пр"],
              ["", "", "", "", "Территория", "МПРКС", "РКС", ""],
              ["1", "2", "3", "4", "5", "6", "7", "8"]]
    rows = header + [[str(i + 1)] + list(r) for i, r in enumerate(RATES)]
    strings, index = [], {}

    def sid(s):
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]

    cols = "ABCDEFGH"
    sheet_rows = []
    for r, row in enumerate(rows, start=2):
        cells = []
        for c, value in enumerate(row):
            if value == "":
                continue
            ref = f"{cols[c]}{r}"
            is_number = r > 6 and c >= 4 and value.replace(".", "", 1).isdigit()
            if is_number:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="s"><v>{sid(value)}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns} {rel}><sheets><sheet name="НР и СП" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns}><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 25, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


def main():
    os.makedirs(OUT, exist_ok=True)
    for prefix, (category, collections) in NORMS.items():
        write(f"norms_{FILES[prefix]}.xml", norm_file(prefix, category, collections))
    write("fsbc_machines.xml", machines_file())
    write("fsbc_materials.xml", materials_file())
    write("tech_groups.xml", tech_groups_file())
    rates_xlsx(os.path.join(OUT, "nrsp_binding.xlsx"))
    prices_dir = os.path.join(OUT, "prices_28_1_2025-Q2")
    os.makedirs(prices_dir, exist_ok=True)
    salary = {"total": len(SALARY), "items": [
        {"code": c, "salaryRateName": n, "salaryRateRank": r, "salary": s} for c, n, r, s in SALARY]}
    with open(os.path.join(prices_dir, "worker_salary.json"), "w", encoding="utf-8") as f:
        json.dump(salary, f, ensure_ascii=False, indent=2)
        f.write("\n")
    machine_items = [{"code": c, "name": n, "unitName": u, "estimatedPrice": price(b, MACHINE_INDEX[c[:5]]), "ksrType": 2}
                     for c, n, u, b, *_ in MACHINES]
    material_items = [{"code": c, "name": n, "unitName": u, "estimatedPrice": price(b, MATERIAL_INDEX[c[:2]]), "ksrType": 1}
                      for c, n, u, b, _o, _k in MATERIALS]
    current = {"items": [{"id": 1, "ksrType": 1, "items": material_items},
                         {"id": 2, "ksrType": 2, "items": machine_items}],
               "total": len(machine_items) + len(material_items)}
    with open(os.path.join(prices_dir, "current_prices.json"), "w", encoding="utf-8") as f:
        json.dump(current, f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write("# Demo normative base\n\nWritten by `tools/make_demo_base.py` (do not edit by hand): "
                f"{sum(len(w) for _p, (_c, cols) in NORMS.items() for _cc, _n, ts in cols for *_x, w in ts)} norms of five families, "
                f"{len(MACHINES)} machines, {len(MATERIALS)} materials and equipment, {len(TECH_GROUPS)} technology groups, "
                f"{len(RATES)} НР/СП rates, current prices of Амурская область (28), zone 1, 2025-Q2 "
                f"(labour rank 1: {RANK1} руб./чел.-ч).\n\n"
                "`make run` loads it: `estimate-service import demo/base --region 28 --zone 1 --quarter 2025-Q2`.\n")


if __name__ == "__main__":
    main()
