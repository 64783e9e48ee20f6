"""The starter list of search synonyms: common abbreviations of government work and their full forms.

Carries its own data (a migration never imports live code); each pair is stored once, the smaller word first,
as the service `synonym_add` stores it. A site administrator edits the list afterwards (目录设置 → 检索同义词).
"""

from django.db import migrations

STARTER_SYNONYMS = [
    ("低保", "最低生活保障"),
    ("医保", "医疗保障"),
    ("医保", "医疗保险"),
    ("社保", "社会保险"),
    ("公积金", "住房公积金"),
    ("新农合", "新型农村合作医疗"),
    ("义教", "义务教育"),
    ("三农", "农业农村农民"),
    ("放管服", "简政放权放管结合优化服务"),
    ("发改委", "发展和改革委员会"),
    ("人社局", "人力资源和社会保障局"),
    ("住建局", "住房和城乡建设局"),
    ("卫健委", "卫生健康委员会"),
    ("市监局", "市场监督管理局"),
    ("残联", "残疾人联合会"),
    ("妇联", "妇女联合会"),
    ("个税", "个人所得税"),
    ("国企", "国有企业"),
    ("民企", "民营企业"),
    ("双创", "大众创业万众创新"),
]


def _pairs():
    return [tuple(sorted(pair)) for pair in STARTER_SYNONYMS]


def load_starter_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("catalogue", "SearchSynonym")
    for word, synonym in _pairs():
        SearchSynonym.objects.get_or_create(word=word, synonym=synonym)


def remove_starter_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("catalogue", "SearchSynonym")
    for word, synonym in _pairs():
        SearchSynonym.objects.filter(word=word, synonym=synonym).delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0009_search_synonyms")]

    operations = [migrations.RunPython(load_starter_synonyms, remove_starter_synonyms)]
