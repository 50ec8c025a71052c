"""Sample registry data for the embedded default: fictitious people (人口库) and companies
(法人库) with valid resident ID and USCC check characters, keyed by the form's field keys."""

from typing import Any

SAMPLE_PEOPLE: dict[str, dict[str, Any]] = {
    "11010519491231002X": {
        "applicant.name": "张三",
        "applicant.address": "北京市朝阳区建国路 1 号",
        "household.region_code": "110105",
        "household.address": "北京市朝阳区建国路 1 号",
        "household.head_name": "张三",
    },
    "360426199101010071": {
        "applicant.name": "李四",
        "applicant.address": "江西省九江市德安县蒲亭镇 8 号",
        "household.region_code": "360426",
        "household.address": "江西省九江市德安县蒲亭镇 8 号",
        "household.head_name": "李大山",
    },
    "120103198806018241": {
        "applicant.name": "王五",
        "applicant.address": "天津市河西区友谊路 20 号",
        "household.region_code": "120103",
        "household.address": "天津市河西区友谊路 20 号",
        "household.head_name": "王五",
    },
}

SAMPLE_ENTERPRISES: dict[str, dict[str, Any]] = {
    "91110108551385082Q": {
        "company.name": "北京示例科技有限公司",
        "company.type": "有限责任公司",
        "company.legal_rep_name": "赵六",
        "company.address": "北京市海淀区中关村大街 27 号",
        "company.region_code": "110108",
        "company.business_scope": "技术开发、技术咨询、技术服务",
    },
}
