"""The address columns both registers share, with the spellings found in real ledgers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haolinju.core.sheets.reader import Column


def address_columns(*, unit_required: bool) -> tuple[Column, ...]:
    return (
        Column(
            "district",
            _("区县"),
            ("区", "县", "区/县", "县市区", "区县市", "所属区县", "district", "county"),
            help=_("可选；管辖多个区县时必填"),
            example="黄州区",
        ),
        Column(
            "street",
            _("街道"),
            (
                "街道/镇",
                "镇",
                "乡镇",
                "乡镇街道",
                "街道办事处",
                "所属街道",
                "street",
                "subdistrict",
            ),
            required=True,
            example="东湖街道",
        ),
        Column(
            "community",
            _("社区"),
            ("社区/村", "村", "社区居委会", "居委会", "所属社区", "community"),
            required=True,
            example="宝塔社区",
        ),
        Column(
            "compound",
            _("小区"),
            ("小区名称", "小区/网格", "网格", "片区", "小区网格", "小区名", "compound", "estate"),
            required=True,
            example="江柳小区",
        ),
        Column(
            "building",
            _("楼栋"),
            ("楼栋号", "楼号", "栋", "栋号", "幢", "幢号", "楼幢", "building"),
            required=unit_required,
            example="1栋",
        ),
        Column(
            "entrance",
            _("单元"),
            ("单元号", "entrance", "stairwell"),
            help=_("可选；没有单元的楼栋留空"),
            example="1单元",
        ),
        Column(
            "unit",
            _("房号"),
            (
                "房间号",
                "门牌号",
                "户号",
                "室",
                "房屋编号",
                "户",
                "unit",
                "room",
                "roomno",
                "unitno",
            ),
            required=unit_required,
            example="101",
        ),
    )
