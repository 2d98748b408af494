"""Plausible Chinese personal and place names, drawn from a caller's ``random.Random``.

Surnames are weighted by their approximate share of the population (per mille, national figures
nudged towards names common in eastern Hubei: 胡 汪 熊 程 余 夏 童). Given names follow the
fashion of the decade of birth, so a grandmother is 秀英 and her granddaughter 梓涵.
"""

from __future__ import annotations

import itertools
import random

# (surname, weight ‰)
SURNAME_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 66), ("刘", 54), ("陈", 46), ("杨", 31), ("黄", 22),
    ("赵", 20), ("吴", 20), ("周", 19), ("胡", 18), ("徐", 14), ("孙", 14), ("马", 13),
    ("朱", 12), ("郭", 12), ("何", 11), ("汪", 10), ("高", 10), ("罗", 9), ("程", 9),
    ("余", 9), ("熊", 8), ("郑", 8), ("夏", 8), ("梁", 7), ("谢", 7), ("宋", 6), ("唐", 6),
    ("许", 6), ("韩", 6), ("冯", 5), ("邓", 5), ("曹", 5), ("彭", 5), ("曾", 5), ("肖", 5),
    ("童", 5), ("田", 4), ("董", 4), ("袁", 4), ("潘", 4), ("蒋", 4), ("蔡", 4), ("杜", 4),
    ("叶", 4), ("林", 4), ("涂", 4), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3),
    ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("钟", 3), ("谭", 3), ("陆", 3), ("范", 3),
    ("金", 3), ("石", 3), ("方", 3), ("万", 3), ("廖", 2), ("贾", 2), ("付", 2), ("邹", 2),
    ("孟", 2), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("雷", 2), ("侯", 2), ("龙", 2),
    ("陶", 2), ("贺", 2), ("毛", 2), ("龚", 2), ("邵", 2), ("严", 1), ("戴", 1), ("向", 1),
    ("汤", 1), ("柯", 1), ("占", 1), ("鲍", 1), ("祝", 1),
)  # fmt: skip
_SURNAMES = [s for s, _ in SURNAME_WEIGHTS]
_SURNAME_CUMULATIVE = list(itertools.accumulate(w for _, w in SURNAME_WEIGHTS))

# Two-character given names typical of each generation, by sex.
_GIVEN_BY_ERA: dict[tuple[str, str], tuple[str, ...]] = {
    ("M", "old"): (
        "建国", "国庆", "建华", "建军", "国强", "志强", "德明", "永康", "卫东", "红兵", "振华",
        "先进", "光明", "长林", "春生", "金山", "友谊", "跃进", "援朝", "保国", "文华", "炳坤",
    ),
    ("F", "old"): (
        "秀英", "桂兰", "淑珍", "玉兰", "秀兰", "桂英", "凤英", "翠花", "玉珍", "素芬", "春梅",
        "金凤", "秀珍", "美华", "爱华", "冬梅", "桂芳", "月娥", "兰英", "菊香", "巧云", "腊梅",
    ),
    ("M", "mid"): (
        "伟", "军", "勇", "斌", "涛", "磊", "鹏", "俊", "峰", "超", "明", "刚", "海波", "志刚",
        "建平", "晓东", "文斌", "卫国", "小龙", "红军", "国华", "建新", "永刚", "海涛", "劲松",
    ),
    ("F", "mid"): (
        "丽", "敏", "静", "艳", "娟", "霞", "红", "芳", "燕", "萍", "玲", "丽华", "晓燕",
        "海燕", "红梅", "丽娟", "春燕", "晓红", "雪梅", "慧", "秀梅", "小红", "丽萍", "美玲",
    ),
    ("M", "young"): (
        "浩", "宇", "杰", "鑫", "磊", "昊", "子豪", "俊杰", "浩然", "宇航", "博文", "晨阳",
        "志鹏", "天佑", "嘉豪", "思远", "一鸣", "鹏飞", "家乐", "子健", "文轩", "智勇",
    ),
    ("F", "young"): (
        "婷", "雪", "倩", "欣", "悦", "佳琪", "欣怡", "思雨", "雨婷", "梦瑶", "诗涵", "心怡",
        "晓雯", "佳慧", "梦琪", "雅婷", "紫薇", "静怡", "文静", "雨欣", "嘉欣", "晓琳",
    ),
    ("M", "child"): (
        "子轩", "梓轩", "浩宇", "宇轩", "一诺", "沐阳", "浩然", "俊熙", "皓轩", "子墨",
        "奕辰", "宇泽", "梓睿", "锦程", "铭泽", "睿哲", "思源", "承泽", "瑾瑜", "晨曦",
    ),
    ("F", "child"): (
        "子涵", "梓涵", "欣怡", "雨桐", "一诺", "可馨", "诗琪", "语汐", "若汐", "梓萱",
        "思彤", "依诺", "芷若", "欣妍", "沐晴", "雨萱", "佳怡", "安琪", "书瑶", "乐瑶",
    ),
}  # fmt: skip

# Single characters to compose further names from, so not every 王伟 is the same 王伟.
_GIVEN_CHARS: dict[str, str] = {
    "M": "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才"
    "发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心"
    "邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰",
    "F": "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞"
    "香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓"
    "纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠",
}


def era_of(birth_year: int) -> str:
    if birth_year < 1960:
        return "old"
    if birth_year < 1985:
        return "mid"
    if birth_year < 2005:
        return "young"
    return "child"


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_CUMULATIVE)[0]


def given_name(rng: random.Random, sex: str, birth_year: int) -> str:
    """A given name in the fashion of ``birth_year``: mostly from the era's list, else composed."""
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(_GIVEN_BY_ERA[(sex, era_of(birth_year))])
    chars = _GIVEN_CHARS[sex]
    if roll < 0.7:
        return rng.choice(chars)
    first, second = rng.sample(chars, 2)
    return first + second


def person_name(
    rng: random.Random, sex: str, birth_year: int, family_name: str | None = None
) -> str:
    return (family_name or surname(rng)) + given_name(rng, sex, birth_year)


# --- places ---------------------------------------------------------------------------------

PLACE_STEMS = (
    "宝塔", "东坡", "赤壁", "青砖湖", "遗爱湖", "龙王山", "八一", "胜利", "新港", "桂花", "江滨",
    "滨江", "金桂", "书香", "锦绣", "翰林", "明珠", "阳光", "幸福", "和谐", "怡景", "丽景",
    "御景", "康居", "安居", "福星", "文昌", "东方", "玉龙", "凤凰", "紫荆", "橄榄", "金色",
    "红星", "博雅", "鸿运", "南湖", "西湖", "东湖", "青云", "白潭", "杨柳", "三台", "考棚",
    "清源", "宏源", "万象", "银泰", "碧水", "绿城", "恒大", "城南", "城北", "黄冈", "秀水",
    "望江", "临江", "月湖", "雅居", "丰泽", "启黄", "黎明", "光华", "晨光", "友谊", "振兴",
    "长春", "百福", "汇通", "盛世", "安康", "华夏", "嘉禾", "金鹰", "美景", "芳草", "竹林",
    "松涛", "枫林", "梧桐", "荷塘", "栖霞", "映山", "云梦", "楚天", "荆楚", "汉江", "长江",
)  # fmt: skip
COMPOUND_SUFFIXES = (
    "花园", "小区", "苑", "家园", "新村", "雅居", "华庭", "佳苑", "名居", "公馆", "新城", "山庄",
    "嘉园", "丽都", "锦城", "美庐",
)  # fmt: skip
GRID_SUFFIXES = ("街网格", "路网格", "巷网格", "社区网格")
CLUSTER_SUFFIXES = ("老旧片区", "片区", "老旧小区片区", "宿舍片区")
UNIT_COMPOUNDS = (
    "供电公司宿舍", "粮食局宿舍", "纺织厂小区", "师范学院家属院", "人民医院家属院", "机械厂宿舍",
    "自来水公司宿舍", "棉纺厂生活区", "农业银行宿舍", "邮政局宿舍", "汽运公司宿舍", "电信局宿舍",
)  # fmt: skip


def compound_name(rng: random.Random, kind: str, stem: str | None = None) -> str:
    """A compound, grid or cluster name; ``stem`` pins the first part (e.g. the community's)."""
    stem = stem or rng.choice(PLACE_STEMS)
    if kind == "grid":
        return stem + rng.choice(GRID_SUFFIXES)
    if kind == "cluster":
        if rng.random() < 0.3:
            return rng.choice(UNIT_COMPOUNDS)
        return stem + rng.choice(CLUSTER_SUFFIXES)
    return stem + rng.choice(COMPOUND_SUFFIXES)


def place_name(rng: random.Random, suffix: str) -> str:
    """A street, community or district name: a stem plus ``suffix`` (街道, 社区, 区 …)."""
    return rng.choice(PLACE_STEMS) + suffix


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name`` with 二期/三期… appended, whichever is not yet in ``taken``."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}{_NUMERALS[n]}期" if n < len(_NUMERALS) else f"{name}{n}期"
    taken.add(candidate)
    return candidate


_NUMERALS = "零一二三四五六七八九十"
