"""Countries and what their people are called ("Kenya", "Kenyan"): a delegation, a co-chair or
a signatory may be a country, named either way. General knowledge, one list."""

from __future__ import annotations

import re
from functools import cache

from assistant.language import one_edit_apart

# country: demonyms (adjectives and nouns for its people), lower case; entries end with ';'
_COUNTRIES = """
Afghanistan: afghan; Albania: albanian; Algeria: algerian; Andorra: andorran; Angola: angolan;
Argentina: argentine, argentinian; Armenia: armenian; Australia: australian; Austria: austrian;
Azerbaijan: azerbaijani; Bahamas: bahamian; Bahrain: bahraini; Bangladesh: bangladeshi;
Barbados: barbadian; Belarus: belarusian; Belgium: belgian; Belize: belizean; Benin: beninese;
Bhutan: bhutanese; Bolivia: bolivian; Bosnia and Herzegovina: bosnian; Botswana: botswanan;
Brazil: brazilian; Brunei: bruneian; Bulgaria: bulgarian; Burkina Faso: burkinabe;
Burundi: burundian; Cambodia: cambodian; Cameroon: cameroonian; Canada: canadian;
Cape Verde: cape verdean; Chad: chadian; Chile: chilean; China: chinese; Colombia: colombian;
Comoros: comorian; Congo: congolese; Republic of the Congo: ; Costa Rica: costa rican;
Croatia: croatian; Cuba: cuban;
Cyprus: cypriot; Czech Republic: czech; Czechia: czech; Denmark: danish, dane;
Djibouti: djiboutian; Dominican Republic: dominican; Ecuador: ecuadorian; Egypt: egyptian;
El Salvador: salvadoran; Eritrea: eritrean; Estonia: estonian; Eswatini: swazi;
Ethiopia: ethiopian; Fiji: fijian; Finland: finnish, finn; France: french; Gabon: gabonese;
Gambia: gambian; Georgia: georgian; Germany: german; Ghana: ghanaian; Greece: greek;
Grenada: grenadian; Guatemala: guatemalan; Guinea: guinean; Guyana: guyanese; Haiti: haitian;
Honduras: honduran; Hungary: hungarian; Iceland: icelandic; India: indian;
Indonesia: indonesian; Iran: iranian; Iraq: iraqi; Ireland: irish; Israel: israeli;
Italy: italian; Ivory Coast: ivorian; Jamaica: jamaican; Japan: japanese; Jordan: jordanian;
Kazakhstan: kazakh; Kenya: kenyan; Kiribati: i-kiribati; Kuwait: kuwaiti; Kyrgyzstan: kyrgyz;
Laos: lao, laotian; Latvia: latvian; Lebanon: lebanese; Lesotho: basotho; Liberia: liberian;
Libya: libyan; Liechtenstein: liechtensteiner; Lithuania: lithuanian;
Luxembourg: luxembourgish; Madagascar: malagasy; Malawi: malawian; Malaysia: malaysian;
Maldives: maldivian; Mali: malian; Malta: maltese; Marshall Islands: marshallese;
Mauritania: mauritanian; Mauritius: mauritian; Mexico: mexican; Micronesia: micronesian;
Moldova: moldovan; Monaco: monegasque; Mongolia: mongolian; Montenegro: montenegrin;
Morocco: moroccan; Mozambique: mozambican; Myanmar: myanmar, burmese; Namibia: namibian;
Nauru: nauruan; Nepal: nepali, nepalese; Netherlands: dutch; New Zealand: new zealander;
Nicaragua: nicaraguan; Niger: nigerien; Nigeria: nigerian; Niue: niuean;
North Korea: north korean; North Macedonia: macedonian; Norway: norwegian; Oman: omani;
Pakistan: pakistani; Palau: palauan; Palestine: palestinian; Panama: panamanian;
Papua New Guinea: papua new guinean; Paraguay: paraguayan; Peru: peruvian;
Philippines: philippine, filipino; Poland: polish, pole; Portugal: portuguese; Qatar: qatari;
Romania: romanian; Russia: russian; Rwanda: rwandan; Samoa: samoan; San Marino: sammarinese;
Saudi Arabia: saudi; Senegal: senegalese; Serbia: serbian; Seychelles: seychellois;
Sierra Leone: sierra leonean; Singapore: singaporean; Slovakia: slovak; Slovenia: slovenian;
Solomon Islands: solomon islander; Somalia: somali; South Africa: south african;
South Korea: south korean, korean; South Sudan: south sudanese; Spain: spanish, spaniard;
Sri Lanka: sri lankan; Sudan: sudanese; Suriname: surinamese; Sweden: swedish, swede;
Switzerland: swiss; Syria: syrian; Taiwan: taiwanese; Tajikistan: tajik; Tanzania: tanzanian;
Thailand: thai; Timor-Leste: timorese; Togo: togolese; Tonga: tongan;
Trinidad and Tobago: trinidadian; Tunisia: tunisian; Turkey: turkish, turk;
Turkmenistan: turkmen; Tuvalu: tuvaluan; Uganda: ugandan; Ukraine: ukrainian;
United Arab Emirates: emirati; United Kingdom: british, briton; United States: american;
Uruguay: uruguayan; Uzbekistan: uzbek; Vanuatu: ni-vanuatu, vanuatuan; Venezuela: venezuelan;
Vietnam: vietnamese; Viet Nam: vietnamese; Yemen: yemeni; Zambia: zambian;
Zimbabwe: zimbabwean; Cook Islands: cook islander; Greenland: greenlandic; Kosovo: kosovar;
Scotland: scottish, scot; Wales: welsh; England: english; Hong Kong: ; Macau: ;
Tokelau: tokelauan
"""
# Other names a country goes by.
_ALSO = {
    "United States": ("US", "U.S.", "USA", "United States of America", "America"),
    "United Kingdom": ("UK", "U.K.", "Britain", "Great Britain"),
    "United Arab Emirates": ("UAE",),
    "South Korea": ("Republic of Korea", "Korea"),
    "Czech Republic": ("Czechia",),
    "Ivory Coast": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "Congo": ("Democratic Republic of the Congo", "DRC", "DR Congo", "Congo-Kinshasa"),
    "Republic of the Congo": ("Republic of Congo", "Congo-Brazzaville"),
    "Myanmar": ("Burma",),
    "Timor-Leste": ("East Timor",),
    "Eswatini": ("Swaziland",),
    "Vietnam": ("Viet Nam",),
    "Turkey": ("Türkiye", "Turkiye"),
    "Cape Verde": ("Cabo Verde",),
    "Netherlands": ("the Netherlands", "Holland"),
    "Philippines": ("the Philippines",),
}


@cache
def _table() -> dict[str, str]:
    """Any name or demonym of a country, lower case -> the country's name."""
    out: dict[str, str] = {}
    for entry in _COUNTRIES.replace("\n", " ").split(";"):
        if ":" not in entry:
            continue
        name, demonyms = (part.strip() for part in entry.split(":", 1))
        out[name.lower()] = name
        for demonym in (d.strip() for d in demonyms.split(",")):
            if demonym:
                out.setdefault(demonym, name)
    for name, others in _ALSO.items():
        for other in others:
            out[other.lower()] = name
    return out


def country_of(text: str) -> str:
    """The country a name or demonym names ("Kenyan", "the Philippines", "New Zealand's"),
    or ""."""
    key = text.strip().lower()
    for suffix in ("'s", "’s"):
        key = key.removesuffix(suffix)
    key = key.removeprefix("the ").strip(" .,")
    return _table().get(key, "")


def country_misspelt(word: str) -> str:
    """The country a word of six letters or more names when one slip is mended ("Indonesain",
    "Ethopian"), when only one is that near; else ""."""
    key = word.strip().lower().removesuffix("'s").removesuffix("’s")
    if len(key) < 6 or key in _table():
        return _table().get(key, "")
    near = {c for k, c in _table().items() if k[:1] == key[:1] and one_edit_apart(key, k)}
    return near.pop() if len(near) == 1 else ""


@cache
def _names() -> re.Pattern[str]:
    """Every name, alias and demonym of a country as one pattern, longest first."""
    keys = sorted(_table(), key=len, reverse=True)
    return re.compile(r"(?<![\w.-])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w-])")


def countries_in(text: str) -> set[str]:
    """The countries a text names, by name, alias or demonym ("Mongolia's", "Swiss", "Cabo
    Verde", "Trinidad and Tobago", "Côte d'Ivoire", "the U.S."), written as names: capitalised
    ("a turkey" and "guinea-fowl" name none)."""
    # lower case one character for one ("İ" would become two), so offsets agree with the text's
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return {_table()[m.group()] for m in _names().finditer(lowered) if text[m.start()].isupper()}


# The world's regions a question may name ("the African delegations", "which Asian countries"),
# each with the countries above that lie in it (UN geoscheme, by continent and sub-region).
_REGIONS = {
    "Africa": """Algeria Angola Benin Botswana Burkina_Faso Burundi Cameroon Cape_Verde Chad Comoros
        Congo Republic_of_the_Congo Djibouti Egypt Eritrea Eswatini Ethiopia Gabon Gambia Ghana
        Guinea Ivory_Coast
        Kenya Lesotho Liberia Libya Madagascar Malawi Mali Mauritania Mauritius Morocco
        Mozambique Namibia Niger Nigeria Rwanda Senegal Seychelles Sierra_Leone Somalia
        South_Africa South_Sudan Sudan Tanzania Togo Tunisia Uganda Zambia Zimbabwe""",
    "Asia": """Afghanistan Armenia Azerbaijan Bahrain Bangladesh Bhutan Brunei Cambodia China
        Georgia Hong_Kong India Indonesia Iran Iraq Israel Japan Jordan Kazakhstan Kuwait
        Kyrgyzstan Laos Lebanon Macau Malaysia Maldives Mongolia Myanmar Nepal North_Korea Oman
        Pakistan Palestine Philippines Qatar Saudi_Arabia Singapore South_Korea Sri_Lanka Syria
        Taiwan Tajikistan Thailand Timor-Leste Turkey Turkmenistan United_Arab_Emirates
        Uzbekistan Vietnam Yemen""",
    "Europe": """Albania Andorra Austria Belarus Belgium Bosnia_and_Herzegovina Bulgaria Croatia
        Cyprus Czech_Republic Denmark England Estonia Finland France Germany Greece Hungary
        Iceland Ireland Italy Kosovo Latvia Liechtenstein Lithuania Luxembourg Malta Moldova
        Monaco Montenegro Netherlands North_Macedonia Norway Poland Portugal Romania Russia
        San_Marino Scotland Serbia Slovakia Slovenia Spain Sweden Switzerland Ukraine
        United_Kingdom Wales""",
    "South America": """Argentina Bolivia Brazil Chile Colombia Ecuador Guyana Paraguay Peru
        Suriname Uruguay Venezuela""",
    "Latin America": """Argentina Belize Bolivia Brazil Chile Colombia Costa_Rica Cuba
        Dominican_Republic Ecuador El_Salvador Guatemala Guyana Haiti Honduras Mexico Nicaragua
        Panama Paraguay Peru Suriname Uruguay Venezuela""",
    "Caribbean": """Bahamas Barbados Cuba Dominican_Republic Grenada Haiti Jamaica
        Trinidad_and_Tobago""",
    "North America": "Canada Greenland Mexico United_States",
    "Pacific": """Australia Cook_Islands Fiji Kiribati Marshall_Islands Micronesia Nauru
        New_Zealand Niue Palau Papua_New_Guinea Samoa Solomon_Islands Tokelau Tonga Tuvalu
        Vanuatu""",
    "Middle East": """Bahrain Egypt Iran Iraq Israel Jordan Kuwait Lebanon Oman Palestine Qatar
        Saudi_Arabia Syria Turkey United_Arab_Emirates Yemen""",
}
# How a question names each region.
_REGION_WORDS = {
    "africa": "Africa", "african": "Africa", "asia": "Asia", "asian": "Asia",
    "europe": "Europe", "european": "Europe", "latin america": "Latin America",
    "latin american": "Latin America", "south america": "South America",
    "south american": "South America", "caribbean": "Caribbean",
    "north america": "North America", "north american": "North America",
    "pacific": "Pacific", "oceania": "Pacific", "middle east": "Middle East",
    "middle eastern": "Middle East",
}  # fmt: skip


def region_of(text: str) -> str:
    """The world region a name or its adjective names ("African" -> "Africa"), or ""."""
    return _REGION_WORDS.get(" ".join(text.lower().split()), "")


@cache
def in_region(country: str, region: str) -> bool:
    """Whether a country (as country_of names it) lies in a region (as region_of names it)."""
    members = {c.replace("_", " ") for c in _REGIONS.get(region, "").split()}
    return country in members
