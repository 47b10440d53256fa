# ruff: noqa: E501 - four-language sentences of demo data read better unbroken
"""The demo directory: about 60 support services in Warsaw (mazowieckie), Podkarpackie,
Małopolska and Lubelskie, in the four languages (docs/directory.md, "Demo data").

The national services are the ones ../shared/reference/poland.md names, by their real
names: KCIK (the National Consulting and Intervention Centre for Victims of
Trafficking), La Strada Poland, the Police (112), the Border Guard, the family courts
and IOM Poland's info line; plus the demo's own partner organisations (Lambda
Warszawa, Towards Dialogue). Their phone numbers are given only where poland.md gives
them (112, the info line); every street address, other phone number and e-mail is
fictional (phone numbers in the non-existent "000" range, streets "ul. Przykładowa"),
and every local provider is invented. Shelters have no street address: it is given on
referral, as real shelters do.

`load_demo_directory()` is idempotent: each provider and service has a fixed HSDS id
(uuid5 of its key); one that exists is left as it is.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Final

from django.db import transaction
from django.utils import timezone

from safepath.accounts.models import Organisation, User
from safepath.directory.inputs import ServiceData
from safepath.directory.models import DirectoryOrganization, Service
from safepath.directory.services import create_service_record
from safepath.directory.taxonomies import ensure_taxonomies

NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "https://safepath.example/demo/directory")
BY: Final = "demo"

type T = dict[str, str]


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


# --- texts ---------------------------------------------------------------------------

TYPE_NAMES: Final[dict[str, T]] = {
    "trafficking_assistance": {
        "en": "Assistance for victims of trafficking",
        "pl": "Pomoc dla ofiar handlu ludźmi",
        "uk": "Допомога постраждалим від торгівлі людьми",
        "ru": "Помощь пострадавшим от торговли людьми",
    },
    "shelter": {"en": "Shelter", "pl": "Schronisko", "uk": "Притулок", "ru": "Приют"},
    "emergency_accommodation": {
        "en": "Emergency accommodation",
        "pl": "Nocleg interwencyjny",
        "uk": "Екстрене житло",
        "ru": "Экстренное жильё",
    },
    "legal_aid": {
        "en": "Free legal advice",
        "pl": "Bezpłatna porada prawna",
        "uk": "Безкоштовна правова консультація",
        "ru": "Бесплатная юридическая консультация",
    },
    "medical_care": {
        "en": "Medical clinic",
        "pl": "Przychodnia",
        "uk": "Медична клініка",
        "ru": "Медицинская клиника",
    },
    "mhpss": {
        "en": "Psychological support",
        "pl": "Wsparcie psychologiczne",
        "uk": "Психологічна підтримка",
        "ru": "Психологическая поддержка",
    },
    "child_protection": {
        "en": "Child protection",
        "pl": "Ochrona dzieci",
        "uk": "Захист дітей",
        "ru": "Защита детей",
    },
    "gbv_services": {
        "en": "Support after violence",
        "pl": "Pomoc po przemocy",
        "uk": "Допомога після насильства",
        "ru": "Помощь после насилия",
    },
    "interpretation": {
        "en": "Interpreting",
        "pl": "Tłumaczenia ustne",
        "uk": "Усний переклад",
        "ru": "Устный перевод",
    },
    "employment_support": {
        "en": "Safe work advice",
        "pl": "Doradztwo – bezpieczna praca",
        "uk": "Консультації – безпечна робота",
        "ru": "Консультации – безопасная работа",
    },
    "hotline": {
        "en": "Helpline",
        "pl": "Telefon zaufania",
        "uk": "Лінія довіри",
        "ru": "Линия доверия",
    },
    "material_assistance": {
        "en": "Food and clothing",
        "pl": "Żywność i odzież",
        "uk": "Їжа та одяг",
        "ru": "Еда и одежда",
    },
    "education": {
        "en": "Polish lessons",
        "pl": "Lekcje języka polskiego",
        "uk": "Уроки польської мови",
        "ru": "Уроки польского языка",
    },
}

DESCRIPTIONS: Final[dict[str, T]] = {
    "trafficking_assistance": {
        "en": "Confidential help for people who may have been trafficked or exploited: safety planning, accompaniment, referral to other services.",
        "pl": "Poufna pomoc dla osób, które mogły paść ofiarą handlu ludźmi lub wyzysku: plan bezpieczeństwa, towarzyszenie, kierowanie do innych usług.",
        "uk": "Конфіденційна допомога людям, які могли постраждати від торгівлі людьми чи експлуатації: план безпеки, супровід, скерування до інших служб.",
        "ru": "Конфиденциальная помощь людям, которые могли пострадать от торговли людьми или эксплуатации: план безопасности, сопровождение, направление в другие службы.",
    },
    "shelter": {
        "en": "Safe accommodation with meals and a caseworker on site. The address is given on referral.",
        "pl": "Bezpieczne zakwaterowanie z wyżywieniem i opiekunem na miejscu. Adres podajemy po skierowaniu.",
        "uk": "Безпечне житло з харчуванням і соціальним працівником на місці. Адресу повідомляють після скерування.",
        "ru": "Безопасное жильё с питанием и социальным работником на месте. Адрес сообщают после направления.",
    },
    "emergency_accommodation": {
        "en": "Beds for a few nights while a longer solution is found.",
        "pl": "Miejsca noclegowe na kilka nocy, do czasu znalezienia dłuższego rozwiązania.",
        "uk": "Місця для ночівлі на кілька ночей, поки шукають довше рішення.",
        "ru": "Места для ночлега на несколько ночей, пока ищут более долгое решение.",
    },
    "legal_aid": {
        "en": "Lawyers advise on residence, work, unpaid wages and the rights of victims in criminal proceedings.",
        "pl": "Prawnicy doradzają w sprawach pobytu, pracy, niewypłaconych wynagrodzeń i praw pokrzywdzonych w postępowaniu karnym.",
        "uk": "Юристи консультують щодо перебування, роботи, невиплаченої зарплати та прав потерпілих у кримінальному процесі.",
        "ru": "Юристы консультируют по вопросам пребывания, работы, невыплаченной зарплаты и прав потерпевших в уголовном процессе.",
    },
    "medical_care": {
        "en": "General practitioner, nurse and first aid, also without insurance.",
        "pl": "Lekarz rodzinny, pielęgniarka i pierwsza pomoc, także bez ubezpieczenia.",
        "uk": "Сімейний лікар, медсестра та перша допомога, також без страховки.",
        "ru": "Семейный врач, медсестра и первая помощь, в том числе без страховки.",
    },
    "mhpss": {
        "en": "Individual and group sessions with psychologists who speak your language.",
        "pl": "Spotkania indywidualne i grupowe z psychologami mówiącymi w Twoim języku.",
        "uk": "Індивідуальні та групові зустрічі з психологами, які говорять вашою мовою.",
        "ru": "Индивидуальные и групповые встречи с психологами, говорящими на вашем языке.",
    },
    "child_protection": {
        "en": "Care and safety for children, especially those travelling without a parent.",
        "pl": "Opieka i bezpieczeństwo dzieci, zwłaszcza podróżujących bez rodzica.",
        "uk": "Опіка та безпека дітей, особливо тих, хто подорожує без батьків.",
        "ru": "Забота и безопасность детей, особенно путешествующих без родителей.",
    },
    "gbv_services": {
        "en": "Counselling, safe accommodation and accompaniment for people who experienced violence.",
        "pl": "Poradnictwo, bezpieczne schronienie i towarzyszenie osobom, które doświadczyły przemocy.",
        "uk": "Консультації, безпечне житло та супровід для людей, які пережили насильство.",
        "ru": "Консультации, безопасное жильё и сопровождение для людей, переживших насилие.",
    },
    "interpretation": {
        "en": "Interpreters for visits to offices, doctors and the police.",
        "pl": "Tłumacze na wizyty w urzędach, u lekarza i na policji.",
        "uk": "Перекладачі для візитів до установ, лікаря та поліції.",
        "ru": "Переводчики для визитов в учреждения, к врачу и в полицию.",
    },
    "employment_support": {
        "en": "We check job offers with you and explain your rights at work.",
        "pl": "Sprawdzamy z Tobą oferty pracy i wyjaśniamy prawa pracownika.",
        "uk": "Перевіряємо з вами пропозиції роботи та пояснюємо права працівника.",
        "ru": "Проверяем с вами предложения работы и объясняем права работника.",
    },
    "hotline": {
        "en": "Call to talk, ask for advice or report a worrying situation. Free and confidential.",
        "pl": "Zadzwoń, by porozmawiać, poprosić o radę lub zgłosić niepokojącą sytuację. Bezpłatnie i poufnie.",
        "uk": "Телефонуйте, щоб поговорити, порадитися або повідомити про тривожну ситуацію. Безкоштовно та конфіденційно.",
        "ru": "Звоните, чтобы поговорить, посоветоваться или сообщить о тревожной ситуации. Бесплатно и конфиденциально.",
    },
    "material_assistance": {
        "en": "Food parcels, hygiene kits and clothing.",
        "pl": "Paczki żywnościowe, zestawy higieniczne i odzież.",
        "uk": "Продуктові набори, гігієнічні набори та одяг.",
        "ru": "Продуктовые наборы, гигиенические наборы и одежда.",
    },
    "education": {
        "en": "Free Polish courses for adults, with childcare during lessons.",
        "pl": "Bezpłatne kursy polskiego dla dorosłych, z opieką nad dziećmi w czasie zajęć.",
        "uk": "Безкоштовні курси польської для дорослих, з доглядом за дітьми під час занять.",
        "ru": "Бесплатные курсы польского для взрослых, с присмотром за детьми во время занятий.",
    },
}

ELIGIBILITY: Final[dict[str, T]] = {
    "anyone": {
        "en": "Anyone in Poland, whatever their nationality or documents.",
        "pl": "Każda osoba w Polsce, bez względu na obywatelstwo i dokumenty.",
        "uk": "Будь-хто в Польщі, незалежно від громадянства та документів.",
        "ru": "Любой человек в Польше, независимо от гражданства и документов.",
    },
    "adults": {
        "en": "Adults (18 and over).",
        "pl": "Osoby dorosłe (od 18 lat).",
        "uk": "Дорослі (від 18 років).",
        "ru": "Взрослые (от 18 лет).",
    },
    "women": {
        "en": "Women, with their children.",
        "pl": "Kobiety, razem z dziećmi.",
        "uk": "Жінки, разом із дітьми.",
        "ru": "Женщины, вместе с детьми.",
    },
    "children": {
        "en": "Children and young people under 18.",
        "pl": "Dzieci i młodzież do 18 lat.",
        "uk": "Діти та молодь до 18 років.",
        "ru": "Дети и молодёжь до 18 лет.",
    },
    "victims": {
        "en": "Presumed or identified victims of trafficking, Polish and foreign.",
        "pl": "Domniemane lub zidentyfikowane ofiary handlu ludźmi, Polacy i cudzoziemcy.",
        "uk": "Імовірні або встановлені постраждалі від торгівлі людьми, поляки та іноземці.",
        "ru": "Предполагаемые или установленные пострадавшие от торговли людьми, поляки и иностранцы.",
    },
}

APPLY: Final[dict[str, T]] = {
    "walk_in": {
        "en": "Come during opening hours; no appointment needed.",
        "pl": "Przyjdź w godzinach otwarcia; bez zapisów.",
        "uk": "Приходьте в години роботи; запис не потрібен.",
        "ru": "Приходите в часы работы; запись не нужна.",
    },
    "phone": {
        "en": "Call first to book a time.",
        "pl": "Najpierw zadzwoń i umów termin.",
        "uk": "Спочатку зателефонуйте та домовтеся про час.",
        "ru": "Сначала позвоните и договоритесь о времени.",
    },
    "referral": {
        "en": "Through a referral from a caseworker, the police or the Border Guard.",
        "pl": "Na skierowanie od pracownika socjalnego, Policji lub Straży Granicznej.",
        "uk": "За скеруванням соціального працівника, поліції або Прикордонної служби.",
        "ru": "По направлению социального работника, полиции или Пограничной службы.",
    },
    "call": {
        "en": "Call the number; the line answers in several languages.",
        "pl": "Zadzwoń pod numer; linia odpowiada w kilku językach.",
        "uk": "Зателефонуйте за номером; лінія відповідає кількома мовами.",
        "ru": "Позвоните по номеру; линия отвечает на нескольких языках.",
    },
}


def _walk(minutes: int, stop: str) -> T:
    return {
        "en": f"{minutes} minutes on foot from the {stop} stop.",
        "pl": f"{minutes} minut pieszo od przystanku {stop}.",
        "uk": f"{minutes} хвилин пішки від зупинки {stop}.",
        "ru": f"{minutes} минут пешком от остановки {stop}.",
    }


DAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _t(hour: int, minute: int = 0) -> datetime.time:
    return datetime.time(hour, minute)


HOURS: Final[dict[str, dict[str, tuple[datetime.time, datetime.time]]]] = {
    "24/7": {day: (_t(0), _t(23, 59)) for day in DAYS},
    "office": {day: (_t(9), _t(17)) for day in DAYS[:5]},
    "long": {**{day: (_t(8), _t(20)) for day in DAYS[:5]}, "SA": (_t(10), _t(14))},
    "afternoon": {day: (_t(12), _t(18)) for day in DAYS[:4]},
}

BEDS: Final[T] = {"en": "beds", "pl": "miejsca", "uk": "ліжка", "ru": "кровати"}

# --- places and providers --------------------------------------------------------------

# city → (voivodeship TERYT, postal code, a stop near the fictional street)
CITIES: Final[dict[str, tuple[str, str, str]]] = {
    "Warszawa": ("14", "00-950", "Centrum"),
    "Radom": ("14", "26-600", "Dworzec"),
    "Rzeszów": ("18", "35-959", "Rynek"),
    "Przemyśl": ("18", "37-700", "Dworzec PKP"),
    "Medyka": ("18", "37-732", "Medyka Granica"),
    "Korczowa": ("18", "37-552", "Korczowa"),
    "Krosno": ("18", "38-400", "Plac Konstytucji"),
    "Kraków": ("12", "30-960", "Teatr Bagatela"),
    "Tarnów": ("12", "33-100", "Katedra"),
    "Nowy Sącz": ("12", "33-300", "Rynek"),
    "Lublin": ("06", "20-950", "Plac Litewski"),
    "Chełm": ("06", "22-100", "Dworzec"),
    "Zamość": ("06", "22-400", "Rynek Wielki"),
    "Dorohusk": ("06", "22-175", "Dorohusk"),
}


@dataclass(frozen=True)
class Provider:
    key: str
    name: T
    organisation: str = ""  # the demo organisation's code in safepath, when it has one
    fictional: bool = True
    email: str = ""


def _same(name: str) -> T:
    return {code: name for code in ("en", "pl", "uk", "ru")}


PROVIDERS: Final = [
    Provider(
        "kcik",
        {
            "en": "KCIK – National Consulting and Intervention Centre for Victims of Trafficking",
            "pl": "KCIK – Krajowe Centrum Interwencyjno-Konsultacyjne dla Ofiar Handlu Ludźmi",
            "uk": "KCIK – Національний консультаційно-інтервенційний центр для постраждалих від торгівлі людьми",
            "ru": "KCIK – Национальный консультационно-интервенционный центр для пострадавших от торговли людьми",
        },
        "KCIK",
        fictional=False,
    ),
    Provider(
        "lastrada",
        {**_same("La Strada Poland"), "pl": "Fundacja La Strada"},
        "LASTRADA",
        fictional=False,
    ),
    Provider(
        "police",
        {"en": "Police", "pl": "Policja", "uk": "Поліція", "ru": "Полиция"},
        fictional=False,
    ),
    Provider(
        "border_guard",
        {
            "en": "Border Guard",
            "pl": "Straż Graniczna",
            "uk": "Прикордонна служба",
            "ru": "Пограничная служба",
        },
        "SG-MEDYKA",
        fictional=False,
    ),
    Provider(
        "family_courts",
        {"en": "Family courts", "pl": "Sądy rodzinne", "uk": "Сімейні суди", "ru": "Семейные суды"},
        fictional=False,
    ),
    Provider(
        "iom",
        {**_same("IOM Poland"), "pl": "IOM Polska", "uk": "МОМ Польща", "ru": "МОМ Польша"},
        "IOM",
        fictional=False,
    ),
    Provider("lambda", _same("Lambda Warszawa"), "LAMBDA", fictional=False),
    Provider(
        "dialogue",
        {**_same("Towards Dialogue"), "pl": "Fundacja W Stronę Dialogu"},
        "DIALOGUE",
        fictional=False,
    ),
    # Invented local providers (plausible, but none of them exists).
    Provider("przystan", _same("Fundacja Przystań Wschodnia")),
    Provider("most", _same("Stowarzyszenie Most Prawny")),
    Provider("zdrowie", _same("Przychodnia Społeczna Zdrowy Start")),
    Provider("dobre_slowo", _same("Fundacja Dobre Słowo")),
    Provider("razem", _same("Stowarzyszenie Razem przy Granicy")),
    Provider("bezpieczna", _same("Fundacja Bezpieczna Droga")),
    Provider("caritas_demo", _same("Punkt Pomocy Św. Marcina")),
    Provider("dzieci", _same("Fundacja Dom dla Dziecka w Drodze")),
    Provider("kobiety", _same("Centrum dla Kobiet Jaskółka")),
    Provider("jezyk", _same("Szkoła Językowa Otwarte Drzwi")),
]


@dataclass(frozen=True)
class Entry:
    key: str
    provider: str
    city: str  # "" for a service with no place (a phone line)
    types: tuple[str, ...]
    groups: tuple[str, ...] = ()
    hours: str = "office"
    languages: tuple[str, ...] = ("pl", "uk", "ru", "en")
    eligibility: str = "anyone"
    apply: str = "walk_in"
    ages: tuple[int | None, int | None] = (None, None)
    beds: tuple[int, int] | None = None
    national: bool = False  # offered in the whole country
    phone: str | None = ""  # "" = a fictional number; None = no phone
    street: bool = True
    name: T | None = None
    description: T | None = None
    extra: dict[str, str] = field(default_factory=dict)


NATIONAL: Final = [
    Entry(
        "kcik-assistance",
        "kcik",
        "Warszawa",
        ("trafficking_assistance", "legal_aid", "mhpss"),
        ("women", "men", "third_country_nationals"),
        eligibility="victims",
        apply="phone",
        national=True,
        phone=None,
        street=False,
    ),
    Entry(
        "kcik-shelter",
        "kcik",
        "Warszawa",
        ("shelter", "trafficking_assistance"),
        ("women", "men", "third_country_nationals"),
        hours="24/7",
        eligibility="victims",
        apply="referral",
        ages=(18, None),
        beds=(3, 12),
        national=True,
        phone=None,
        street=False,
    ),
    Entry(
        "lastrada-support",
        "lastrada",
        "Warszawa",
        ("trafficking_assistance", "employment_support"),
        ("women", "men", "third_country_nationals"),
        apply="phone",
        national=True,
        phone=None,
        street=False,
    ),
    Entry(
        "police-112",
        "police",
        "",
        ("other",),
        hours="24/7",
        apply="call",
        national=True,
        phone="112",
        name={
            "en": "Emergency number 112",
            "pl": "Numer alarmowy 112",
            "uk": "Номер екстреної допомоги 112",
            "ru": "Номер экстренной помощи 112",
        },
        description={
            "en": "Police, ambulance and fire brigade in an emergency, free from any phone.",
            "pl": "Policja, pogotowie i straż pożarna w nagłej sytuacji, bezpłatnie z każdego telefonu.",
            "uk": "Поліція, швидка допомога та пожежна служба в екстреній ситуації, безкоштовно з будь-якого телефону.",
            "ru": "Полиция, скорая помощь и пожарная служба в экстренной ситуации, бесплатно с любого телефона.",
        },
    ),
    Entry(
        "iom-info-line",
        "iom",
        "",
        ("hotline", "trafficking_assistance"),
        ("third_country_nationals", "women", "men"),
        hours="long",
        apply="call",
        national=True,
        phone="+48 22 490 20 44",
        name={
            "en": "IOM Poland info line",
            "pl": "Infolinia IOM Polska",
            "uk": "Інформаційна лінія МОМ Польща",
            "ru": "Информационная линия МОМ Польша",
        },
    ),
    Entry(
        "border-guard-medyka",
        "border_guard",
        "Medyka",
        ("trafficking_assistance",),
        ("third_country_nationals", "unaccompanied_children"),
        hours="24/7",
        apply="walk_in",
        phone=None,
        street=False,
        name={
            "en": "Border Guard, Medyka crossing: identification of victims",
            "pl": "Straż Graniczna, przejście Medyka: identyfikacja ofiar",
            "uk": "Прикордонна служба, пункт Медика: виявлення постраждалих",
            "ru": "Пограничная служба, пункт Медыка: выявление пострадавших",
        },
    ),
    Entry(
        "border-guard-dorohusk",
        "border_guard",
        "Dorohusk",
        ("trafficking_assistance",),
        ("third_country_nationals", "unaccompanied_children"),
        hours="24/7",
        phone=None,
        street=False,
        name={
            "en": "Border Guard, Dorohusk crossing: identification of victims",
            "pl": "Straż Graniczna, przejście Dorohusk: identyfikacja ofiar",
            "uk": "Прикордонна служба, пункт Дорогуськ: виявлення постраждалих",
            "ru": "Пограничная служба, пункт Дорогуск: выявление пострадавших",
        },
    ),
    *[
        Entry(
            f"family-court-{city.lower().replace(' ', '-')}",
            "family_courts",
            city,
            ("child_protection", "legal_aid"),
            ("unaccompanied_children", "children"),
            eligibility="children",
            apply="referral",
            ages=(0, 17),
            phone=None,
            street=False,
            name={
                "en": f"Family court, {city}: guardian for an unaccompanied child",
                "pl": f"Sąd rodzinny, {city}: opiekun dla dziecka bez opieki",
                "uk": f"Сімейний суд, {city}: опікун для дитини без супроводу",
                "ru": f"Семейный суд, {city}: опекун для несопровождаемого ребёнка",
            },
        )
        for city in ("Warszawa", "Przemyśl", "Kraków", "Lublin")
    ],
    Entry(
        "lambda-support",
        "lambda",
        "Warszawa",
        ("mhpss", "gbv_services"),
        ("lgbtqi",),
        hours="afternoon",
        apply="phone",
        national=True,
    ),
    Entry(
        "dialogue-roma",
        "dialogue",
        "Lublin",
        ("material_assistance", "interpretation"),
        ("roma", "women", "children"),
        languages=("pl", "uk", "rom"),
    ),
]

# The invented local services: (provider, city, types, groups, hours, extra options).
LOCAL: Final = [
    # mazowieckie (14)
    Entry(
        "waw-shelter",
        "przystan",
        "Warszawa",
        ("shelter",),
        ("women", "children"),
        "24/7",
        eligibility="women",
        apply="referral",
        beds=(2, 16),
        street=False,
    ),
    Entry(
        "waw-legal", "most", "Warszawa", ("legal_aid",), ("third_country_nationals",), apply="phone"
    ),
    Entry("waw-clinic", "zdrowie", "Warszawa", ("medical_care",), (), "long"),
    Entry(
        "waw-mhpss",
        "dobre_slowo",
        "Warszawa",
        ("mhpss",),
        ("women", "men"),
        "afternoon",
        apply="phone",
    ),
    Entry(
        "waw-work",
        "bezpieczna",
        "Warszawa",
        ("employment_support",),
        ("third_country_nationals",),
        eligibility="adults",
        ages=(18, None),
    ),
    Entry(
        "waw-food",
        "caritas_demo",
        "Warszawa",
        ("material_assistance",),
        ("elderly", "disabilities"),
    ),
    Entry(
        "waw-children",
        "dzieci",
        "Warszawa",
        ("child_protection", "shelter"),
        ("unaccompanied_children", "children"),
        "24/7",
        eligibility="children",
        apply="referral",
        ages=(0, 17),
        beds=(4, 10),
        street=False,
    ),
    Entry(
        "waw-gbv",
        "kobiety",
        "Warszawa",
        ("gbv_services",),
        ("women",),
        "24/7",
        eligibility="women",
        apply="phone",
    ),
    Entry("waw-polish", "jezyk", "Warszawa", ("education",), (), "afternoon", eligibility="adults"),
    Entry("radom-legal", "most", "Radom", ("legal_aid",), (), apply="phone"),
    Entry(
        "radom-night",
        "caritas_demo",
        "Radom",
        ("emergency_accommodation",),
        ("men",),
        "24/7",
        eligibility="adults",
        ages=(18, None),
        beds=(6, 20),
        street=False,
    ),
    # podkarpackie (18)
    Entry(
        "rze-trafficking", "bezpieczna", "Rzeszów", ("trafficking_assistance",), ("women", "men")
    ),
    Entry(
        "rze-legal", "most", "Rzeszów", ("legal_aid",), ("third_country_nationals",), apply="phone"
    ),
    Entry("rze-clinic", "zdrowie", "Rzeszów", ("medical_care",), (), "long"),
    Entry("rze-mhpss", "dobre_slowo", "Rzeszów", ("mhpss",), (), "afternoon"),
    Entry(
        "rze-shelter",
        "przystan",
        "Rzeszów",
        ("shelter", "gbv_services"),
        ("women", "children"),
        "24/7",
        eligibility="women",
        apply="referral",
        beds=(0, 8),
        street=False,
    ),
    Entry("rze-polish", "jezyk", "Rzeszów", ("education",), (), "afternoon"),
    Entry(
        "prz-reception",
        "razem",
        "Przemyśl",
        ("material_assistance", "interpretation"),
        ("third_country_nationals",),
        "24/7",
    ),
    Entry(
        "prz-children",
        "dzieci",
        "Przemyśl",
        ("child_protection",),
        ("unaccompanied_children",),
        "24/7",
        eligibility="children",
        apply="referral",
        ages=(0, 17),
    ),
    Entry(
        "prz-night",
        "caritas_demo",
        "Przemyśl",
        ("emergency_accommodation",),
        ("women", "men", "children"),
        "24/7",
        beds=(15, 40),
        street=False,
    ),
    Entry("prz-clinic", "zdrowie", "Przemyśl", ("medical_care",), (), "long"),
    Entry(
        "medyka-point",
        "razem",
        "Medyka",
        ("material_assistance", "trafficking_assistance"),
        ("third_country_nationals", "women"),
        "24/7",
    ),
    Entry(
        "korczowa-point",
        "razem",
        "Korczowa",
        ("material_assistance", "interpretation"),
        ("third_country_nationals",),
        "24/7",
    ),
    Entry(
        "krosno-gbv",
        "kobiety",
        "Krosno",
        ("gbv_services",),
        ("women",),
        apply="phone",
        eligibility="women",
    ),
    Entry(
        "krosno-work",
        "bezpieczna",
        "Krosno",
        ("employment_support",),
        (),
        eligibility="adults",
        ages=(18, None),
    ),
    Entry(
        "rze-helpline",
        "dobre_slowo",
        "",
        ("hotline", "mhpss"),
        (),
        "long",
        apply="call",
        street=False,
    ),
    # małopolskie (12)
    Entry(
        "krk-trafficking",
        "bezpieczna",
        "Kraków",
        ("trafficking_assistance",),
        ("women", "men", "lgbtqi"),
    ),
    Entry("krk-legal", "most", "Kraków", ("legal_aid",), (), apply="phone"),
    Entry("krk-clinic", "zdrowie", "Kraków", ("medical_care",), ("disabilities",), "long"),
    Entry(
        "krk-mhpss",
        "dobre_slowo",
        "Kraków",
        ("mhpss",),
        ("lgbtqi", "women"),
        "afternoon",
        apply="phone",
    ),
    Entry(
        "krk-shelter",
        "przystan",
        "Kraków",
        ("shelter",),
        ("women", "children"),
        "24/7",
        eligibility="women",
        apply="referral",
        beds=(5, 14),
        street=False,
    ),
    Entry(
        "krk-children",
        "dzieci",
        "Kraków",
        ("child_protection",),
        ("children", "unaccompanied_children"),
        eligibility="children",
        ages=(0, 17),
    ),
    Entry("krk-polish", "jezyk", "Kraków", ("education",), (), "afternoon"),
    Entry("tarnow-food", "caritas_demo", "Tarnów", ("material_assistance",), ("roma", "elderly")),
    Entry(
        "tarnow-work",
        "bezpieczna",
        "Tarnów",
        ("employment_support",),
        (),
        eligibility="adults",
        ages=(18, None),
    ),
    Entry(
        "ns-gbv",
        "kobiety",
        "Nowy Sącz",
        ("gbv_services", "emergency_accommodation"),
        ("women",),
        "24/7",
        eligibility="women",
        beds=(1, 6),
        street=False,
    ),
    Entry("ns-interpret", "razem", "Nowy Sącz", ("interpretation",), (), apply="phone"),
    # lubelskie (06)
    Entry("lub-trafficking", "bezpieczna", "Lublin", ("trafficking_assistance",), ("women", "men")),
    Entry(
        "lub-legal", "most", "Lublin", ("legal_aid",), ("third_country_nationals",), apply="phone"
    ),
    Entry("lub-clinic", "zdrowie", "Lublin", ("medical_care",), (), "long"),
    Entry("lub-mhpss", "dobre_slowo", "Lublin", ("mhpss",), (), "afternoon"),
    Entry(
        "lub-shelter",
        "przystan",
        "Lublin",
        ("shelter",),
        ("women", "children"),
        "24/7",
        eligibility="women",
        apply="referral",
        beds=(7, 12),
        street=False,
    ),
    Entry(
        "lub-children",
        "dzieci",
        "Lublin",
        ("child_protection",),
        ("unaccompanied_children",),
        "24/7",
        eligibility="children",
        apply="referral",
        ages=(0, 17),
    ),
    Entry("lub-polish", "jezyk", "Lublin", ("education",), (), "afternoon"),
    Entry(
        "chelm-reception",
        "razem",
        "Chełm",
        ("material_assistance", "interpretation"),
        ("third_country_nationals",),
        "long",
    ),
    Entry(
        "chelm-night",
        "caritas_demo",
        "Chełm",
        ("emergency_accommodation",),
        (),
        "24/7",
        beds=(9, 25),
        street=False,
    ),
    Entry(
        "zamosc-gbv",
        "kobiety",
        "Zamość",
        ("gbv_services",),
        ("women",),
        eligibility="women",
        apply="phone",
    ),
    Entry(
        "zamosc-work",
        "bezpieczna",
        "Zamość",
        ("employment_support",),
        ("men",),
        eligibility="adults",
        ages=(18, None),
    ),
    Entry(
        "dorohusk-point",
        "razem",
        "Dorohusk",
        ("material_assistance",),
        ("third_country_nationals",),
        "24/7",
    ),
]

ENTRIES: Final = [*NATIONAL, *LOCAL]


def _name(entry: Entry, provider: Provider) -> T:
    if entry.name is not None:
        return entry.name
    what = TYPE_NAMES[entry.types[0]]
    where = entry.city or "Polska"
    return {code: f"{what[code]} – {provider.name[code]}, {where}" for code in what}


def _fake_phone(index: int, voivodeship: str) -> str:
    # "000" is no Polish area prefix: these numbers cannot reach anyone.
    area = {"14": "22", "18": "17", "12": "12", "06": "81"}.get(voivodeship, "22")
    return f"+48 {area} 000 {index // 100:02d} {index % 100:02d}"


def _data(index: int, entry: Entry, provider: Provider, responsible: User | None) -> ServiceData:
    voivodeship, postal_code, stop = CITIES.get(entry.city, ("", "", ""))
    description = dict(entry.description or DESCRIPTIONS.get(entry.types[0], {}))
    apply = dict(APPLY[entry.apply])
    # A few deliberately missing translations, so the visible fallback shows.
    if index % 9 == 4:
        description.pop("ru", None)
    if index % 11 == 5:
        apply.pop("uk", None)
    phone = entry.phone if entry.phone != "" else _fake_phone(index, voivodeship)
    return ServiceData(
        name=_name(entry, provider),
        description=description,
        eligibility_description=dict(ELIGIBILITY[entry.eligibility]),
        application_process=apply,
        transportation=_walk(3 + index % 12, stop) if entry.city and entry.street else {},
        service_types=list(entry.types),
        groups=list(entry.groups),
        minimum_age=entry.ages[0],
        maximum_age=entry.ages[1],
        street=f"ul. Przykładowa {index + 1}" if entry.street and entry.city else "",
        city=entry.city,
        postal_code=postal_code,
        voivodeship=voivodeship,
        area="" if entry.national or not voivodeship else voivodeship,
        phone=phone or "",
        languages=list(entry.languages),
        hours=dict(HOURS[entry.hours]),
        capacity_available=entry.beds[0] if entry.beds else None,
        capacity_maximum=entry.beds[1] if entry.beds else None,
        capacity_unit=dict(BEDS) if entry.beds else {},
        capacity_updated=timezone.localdate() - datetime.timedelta(days=index % 5)
        if entry.beds
        else None,
        responsible=responsible,
    )


@transaction.atomic
def load_demo_directory() -> int:
    """Create the demo providers and services that do not exist yet (by their fixed
    HSDS ids); answer how many services were created."""
    ensure_taxonomies()
    organisations = {o.code: o for o in Organisation.objects.all()}
    users = {
        u.username: u for u in User.objects.filter(username__in=["partner.kcik", "supervisor.iom"])
    }
    providers: dict[str, DirectoryOrganization] = {}
    for provider in PROVIDERS:
        providers[provider.key], _created = DirectoryOrganization.objects.get_or_create(
            public_id=demo_id("organization", provider.key),
            defaults={
                "name": provider.name,
                "alternate_name": "fictional (demo data)" if provider.fictional else "",
                "organisation": organisations.get(provider.organisation)
                if provider.organisation
                else None,
            },
        )
    existing = set(
        Service.objects.filter(
            public_id__in=[demo_id("service", e.key) for e in ENTRIES]
        ).values_list("public_id", flat=True)
    )
    today = timezone.localdate()
    created = 0
    by_provider = {p.key: p for p in PROVIDERS}
    for index, entry in enumerate(ENTRIES):
        public_id = demo_id("service", entry.key)
        if public_id in existing:
            continue
        provider = by_provider[entry.provider]
        responsible = (
            users.get("partner.kcik") if entry.provider == "kcik" else users.get("supervisor.iom")
        )
        service = create_service_record(
            organization=providers[entry.provider],
            data=_data(index, entry, provider, responsible),
            updated_by=BY,
            public_id=public_id,
        )
        # Mostly verified in the last three months; every eleventh over 6 months ago.
        age = 200 + index * 3 if index % 11 == 7 else index * 37 % 90
        Service.objects.filter(pk=service.pk).update(
            assured_date=today - datetime.timedelta(days=age),
            assurer_email="directory@safepath.invalid",
        )
        created += 1
    return created
