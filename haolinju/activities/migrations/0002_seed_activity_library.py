"""Seed the default activity library: 5 categories, 39 items, version 1 of each.

The data is written here, not imported, so the migration means the same thing forever.
Points rules follow common practice (1 point per hour of service, capped per activity, or a
fixed number per task); district staff edit them, and each edit is a new version.
"""

from django.db import migrations

HOURLY = ("每服务1小时积1分，单次最多2分", "per_hour:1:max:2")
HOURLY3 = ("每服务1小时积1分，单次最多3分", "per_hour:1:max:3")
FIXED3 = ("每次积3分", "fixed:3")
FIXED5 = ("每次积5分", "fixed:5")
FIXED2 = ("每次积2分", "fixed:2")

# (code, name, sort, [(code, name, minutes, skills, rule), ...])
LIBRARY = [
    ("policy", "政策宣讲与学习", 1, [
        ("policy.lecture", "政策宣讲", 90, ["宣讲"], HOURLY),
        ("policy.study", "主题党日学习", 120, [], HOURLY),
        ("policy.law", "法律知识普及", 90, ["法律"], HOURLY),
        ("policy.antifraud", "反诈宣传", 60, ["宣讲"], FIXED2),
        ("policy.visit", "入户政策解读", 120, [], HOURLY),
        ("policy.reading", "红色读书会", 90, [], HOURLY),
        ("policy.medical_insurance", "医保社保政策咨询", 120, ["政策咨询"], HOURLY),
        ("policy.civic_course", "居民议事培训", 90, [], HOURLY),
    ]),
    ("service", "便民服务", 2, [
        ("service.repair", "义务维修（水电）", 120, ["水电维修"], HOURLY3),
        ("service.haircut", "义务理发", 120, ["理发"], HOURLY3),
        ("service.health", "健康义诊", 180, ["医疗"], HOURLY3),
        ("service.elderly_visit", "探访空巢老人", 60, [], FIXED3),
        ("service.proxy_errand", "帮办代办", 60, [], FIXED3),
        ("service.homework", "四点半课堂", 120, ["辅导"], HOURLY),
        ("service.knife", "磨刀修伞", 120, [], HOURLY),
        ("service.digital", "智能手机教学", 90, ["电脑"], HOURLY),
    ]),
    ("environment", "环境整治与垃圾分类", 3, [
        ("env.stairwell", "楼道清洁", 120, [], FIXED3),
        ("env.sorting_guide", "垃圾分类督导", 120, [], HOURLY),
        ("env.greening", "绿化养护", 120, ["园艺"], HOURLY),
        ("env.clutter", "清理楼道堆积物", 120, [], FIXED3),
        ("env.ads", "清除小广告", 90, [], FIXED2),
        ("env.parking", "车辆规范停放引导", 90, [], HOURLY),
        ("env.charging", "飞线充电劝导", 60, [], FIXED2),
        ("env.cleanup_day", "环境卫生大扫除", 180, [], FIXED5),
    ]),
    ("safety", "平安巡逻", 4, [
        ("safety.patrol", "平安巡逻", 120, [], HOURLY),
        ("safety.fire", "消防隐患排查", 120, ["消防"], HOURLY),
        ("safety.flood", "防汛值守", 240, [], HOURLY3),
        ("safety.mediation", "矛盾纠纷调解", 90, ["调解"], FIXED5),
        ("safety.night_watch", "夜间值守", 180, [], HOURLY3),
        ("safety.traffic", "护学岗", 60, [], FIXED2),
        ("safety.epidemic", "应急服务", 240, [], HOURLY3),
    ]),
    ("culture", "文明实践与文体", 5, [
        ("culture.performance", "文艺演出", 120, ["文艺"], HOURLY),
        ("culture.square_dance", "广场舞活动", 90, ["舞蹈"], HOURLY),
        ("culture.festival", "传统节日活动", 120, [], HOURLY),
        ("culture.sports", "趣味运动会", 180, [], HOURLY),
        ("culture.calligraphy", "书画交流", 120, ["书法"], HOURLY),
        ("culture.family_tradition", "家风家训宣讲", 90, ["宣讲"], HOURLY),
        ("culture.good_neighbour", "好邻居评选", 120, [], FIXED3),
        ("culture.film", "露天电影放映", 120, [], HOURLY),
    ]),
]


def seed(apps, schema_editor):
    Category = apps.get_model("activities", "ActivityCategory")
    Item = apps.get_model("activities", "ActivityItem")
    Version = apps.get_model("activities", "ActivityItemVersion")
    for code, name, sort, items in LIBRARY:
        category = Category.objects.create(code=code, name=name, sort=sort)
        for position, (item_code, item_name, minutes, skills, rule) in enumerate(items, 1):
            item = Item.objects.create(category=category, code=item_code, sort=position)
            version = Version.objects.create(
                item=item,
                version=1,
                name=item_name,
                default_minutes=minutes,
                skills=skills,
                points_rule=rule[0],
                points_code=rule[1],
            )
            item.current = version
            item.save(update_fields=["current"])


def unseed(apps, schema_editor):
    apps.get_model("activities", "ActivityItem").objects.update(current=None)
    apps.get_model("activities", "ActivityItemVersion").objects.all().delete()
    apps.get_model("activities", "ActivityItem").objects.all().delete()
    apps.get_model("activities", "ActivityCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
