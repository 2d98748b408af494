"""Default categories: the requests the source article and 12345 name, with the deadlines of
Beijing's draft service standard (2 h emergencies, 24 h utilities, 7 working days general,
15 working days complex). District staff edit them in the admin afterwards."""

from django.db import migrations

# urgency -> (dispatch, accept, resolve, report in, report back)
DEADLINES = {
    "emergency": ("30m", "30m", "2h", "30m", "24h"),
    "utilities": ("2h", "2h", "24h", "2h", "24h"),
    "general": ("4wh", "4wh", "7wd", "24h", "7wd"),
    "complex": ("1wd", "1wd", "15wd", "2wd", "15wd"),
}
# code, kind, name, urgency, skills, fixed metric
CATEGORIES = [
    ("emergency_help", "service_order", "紧急求助", "emergency", ["急救"], ""),
    ("repair", "service_order", "水电维修", "utilities", ["水电维修"], ""),
    ("elderly_help", "service_order", "老人帮扶", "general", ["养老照护"], ""),
    ("escort", "service_order", "陪诊就医", "general", ["陪诊"], ""),
    ("micro_wish", "service_order", "微心愿", "general", [], ""),
    ("proxy_errand", "service_order", "帮办代办", "general", ["代办"], ""),
    ("ebike_charging", "problem_report", "电动车飞线充电", "general", [], "charging_piles"),
    ("parking", "problem_report", "停车难", "complex", [], "parking_spaces"),
    ("litter", "problem_report", "垃圾堆放", "general", ["环境卫生"], "sorting_points"),
    ("water", "problem_report", "供水问题", "utilities", ["水电维修"], ""),
    ("lighting", "problem_report", "路灯不亮", "utilities", ["水电维修"], "street_lights"),
    ("noise", "problem_report", "噪音扰民", "general", [], ""),
    ("facilities", "problem_report", "公共设施损坏", "general", ["水电维修"], ""),
    ("neighbour_dispute", "mediation", "邻里纠纷", "complex", ["调解"], ""),
    ("property_dispute", "mediation", "物业纠纷", "complex", ["调解"], ""),
    ("family_dispute", "mediation", "家庭矛盾", "complex", ["调解"], ""),
]


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for sort, (code, kind, name, urgency, skills, metric) in enumerate(CATEGORIES):
        dispatch, accept, resolve, report_in, report_back = DEADLINES[urgency]
        Category.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name": name,
                "urgency": urgency,
                "dispatch_within": dispatch,
                "accept_within": accept,
                "resolve_within": resolve,
                "report_in_within": report_in,
                "report_back_within": report_back,
                "skills": skills,
                "fixed_metric": metric,
                "sort": sort,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "Category").objects.filter(
        code__in=[c[0] for c in CATEGORIES], cases__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
