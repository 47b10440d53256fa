"""The five default referral pathways of issue 5 §5, as data: created by the migration
`0002_default_pathways` and by `pathway_services.ensure_default_pathways`, each left as
it is once an administrator has edited it. Their triggers are read by
`safepath.referrals.pathways`.
"""

from typing import Any, Final

DEFAULTS: Final[list[dict[str, Any]]] = [
    {
        "code": "adult-victim",
        "name": {
            "en": "Possible adult victim of trafficking",
            "pl": "Osoba dorosła – możliwa ofiara handlu ludźmi",
            "uk": "Доросла особа – можлива жертва торгівлі людьми",
            "ru": "Взрослый – возможная жертва торговли людьми",
        },
        "description": {
            "en": "Refer to the National Consulting and Intervention Centre (KCIK) and to "
            "legal aid.",
            "pl": "Skieruj do Krajowego Centrum Interwencyjno-Konsultacyjnego (KCIK) i do "
            "pomocy prawnej.",
            "uk": "Скеруйте до Національного консультаційно-інтервенційного центру (KCIK) "
            "та до правової допомоги.",
            "ru": "Направьте в Национальный консультационно-интервенционный центр (KCIK) "
            "и за юридической помощью.",
        },
        "trigger": {"outcome": ["possible_victim"], "population": ["adult"]},
        "service_types": ["trafficking_assistance", "legal_aid"],
        "groups": [],
    },
    {
        "code": "unaccompanied-child",
        "name": {
            "en": "Unaccompanied or separated child",
            "pl": "Dziecko bez opieki lub odłączone od rodziny",
            "uk": "Дитина без супроводу або розлучена з родиною",
            "ru": "Несопровождаемый или разлучённый с семьёй ребёнок",
        },
        "description": {
            "en": "Refer to child protection and notify the family court so that a guardian "
            "is appointed.",
            "pl": "Skieruj do ochrony dzieci i zawiadom sąd rodzinny w celu ustanowienia opiekuna.",
            "uk": "Скеруйте до служби захисту дітей і повідомте сімейний суд для "
            "призначення опікуна.",
            "ru": "Направьте в службу защиты детей и уведомите семейный суд для назначения "
            "опекуна.",
        },
        "trigger": {"flags": ["child_protection_referral"]},
        "service_types": ["child_protection"],
        "groups": ["children", "unaccompanied_children"],
    },
    {
        "code": "gbv-survivor",
        "name": {
            "en": "Survivor of gender-based violence",
            "pl": "Osoba doświadczająca przemocy ze względu na płeć",
            "uk": "Особа, що пережила ґендерно зумовлене насильство",
            "ru": "Пострадавший от гендерного насилия",
        },
        "description": {
            "en": "Refer to services for survivors of gender-based violence.",
            "pl": "Skieruj do pomocy dla osób doświadczających przemocy ze względu na płeć.",
            "uk": "Скеруйте до служб допомоги постраждалим від ґендерно зумовленого насильства.",
            "ru": "Направьте в службы помощи пострадавшим от гендерного насилия.",
        },
        "trigger": {"factors": ["gbv_experience"]},
        "service_types": ["gbv_services"],
        "groups": [],
    },
    {
        "code": "urgent-medical",
        "name": {
            "en": "Urgent medical need",
            "pl": "Pilna potrzeba medyczna",
            "uk": "Термінова медична потреба",
            "ru": "Срочная медицинская потребность",
        },
        "description": {
            "en": "Refer to health services now.",
            "pl": "Natychmiast skieruj do służby zdrowia.",
            "uk": "Негайно скеруйте до медичних служб.",
            "ru": "Немедленно направьте в медицинские службы.",
        },
        "trigger": {"needs": ["urgent_medical"]},
        "service_types": ["medical_care"],
        "groups": [],
    },
    {
        "code": "lgbtqi",
        "name": {
            "en": "LGBTQI+ person",
            "pl": "Osoba LGBTQI+",
            "uk": "ЛГБТКІ+ особа",
            "ru": "ЛГБТКИ+ человек",
        },
        "description": {
            "en": "Refer to an organisation specialised in supporting LGBTQI+ people. "
            "Offered when the person says so: safepath never infers it.",
            "pl": "Skieruj do organizacji specjalizującej się we wsparciu osób LGBTQI+. "
            "Proponowane, gdy osoba sama o tym powie: safepath nigdy tego nie zakłada.",
            "uk": "Скеруйте до організації, що спеціалізується на підтримці ЛГБТКІ+ людей. "
            "Пропонується, коли людина сама про це каже: safepath ніколи цього не припускає.",
            "ru": "Направьте в организацию, специализирующуюся на поддержке ЛГБТКИ+ людей. "
            "Предлагается, когда человек сам об этом говорит: safepath никогда этого не "
            "предполагает.",
        },
        "trigger": {"groups": ["lgbtqi"]},
        "service_types": ["trafficking_assistance", "mhpss", "shelter"],
        "groups": ["lgbtqi"],
    },
]
