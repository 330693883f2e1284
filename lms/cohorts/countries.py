"""Countries a learner list may name: the OAS member states, Spain and Portugal, in es/en/pt."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

# ISO 3166-1 alpha-2 code -> (Spanish, English, Portuguese) common name.
COUNTRIES: Mapping[str, tuple[str, str, str]] = MappingProxyType(
    {
        "AG": ("Antigua y Barbuda", "Antigua and Barbuda", "Antígua e Barbuda"),
        "AR": ("Argentina", "Argentina", "Argentina"),
        "BS": ("Bahamas", "Bahamas", "Bahamas"),
        "BB": ("Barbados", "Barbados", "Barbados"),
        "BZ": ("Belice", "Belize", "Belize"),
        "BO": ("Bolivia", "Bolivia", "Bolívia"),
        "BR": ("Brasil", "Brazil", "Brasil"),
        "CA": ("Canadá", "Canada", "Canadá"),
        "CL": ("Chile", "Chile", "Chile"),
        "CO": ("Colombia", "Colombia", "Colômbia"),
        "CR": ("Costa Rica", "Costa Rica", "Costa Rica"),
        "CU": ("Cuba", "Cuba", "Cuba"),
        "DM": ("Dominica", "Dominica", "Dominica"),
        "DO": ("República Dominicana", "Dominican Republic", "República Dominicana"),
        "EC": ("Ecuador", "Ecuador", "Equador"),
        "SV": ("El Salvador", "El Salvador", "El Salvador"),
        "GD": ("Granada", "Grenada", "Granada"),
        "GT": ("Guatemala", "Guatemala", "Guatemala"),
        "GY": ("Guyana", "Guyana", "Guiana"),
        "HT": ("Haití", "Haiti", "Haiti"),
        "HN": ("Honduras", "Honduras", "Honduras"),
        "JM": ("Jamaica", "Jamaica", "Jamaica"),
        "MX": ("México", "Mexico", "México"),
        "NI": ("Nicaragua", "Nicaragua", "Nicarágua"),
        "PA": ("Panamá", "Panama", "Panamá"),
        "PY": ("Paraguay", "Paraguay", "Paraguai"),
        "PE": ("Perú", "Peru", "Peru"),
        "KN": ("San Cristóbal y Nieves", "Saint Kitts and Nevis", "São Cristóvão e Névis"),
        "LC": ("Santa Lucía", "Saint Lucia", "Santa Lúcia"),
        "VC": (
            "San Vicente y las Granadinas",
            "Saint Vincent and the Grenadines",
            "São Vicente e Granadinas",
        ),
        "SR": ("Surinam", "Suriname", "Suriname"),
        "TT": ("Trinidad y Tobago", "Trinidad and Tobago", "Trinidad e Tobago"),
        "US": ("Estados Unidos", "United States", "Estados Unidos"),
        "UY": ("Uruguay", "Uruguay", "Uruguai"),
        "VE": ("Venezuela", "Venezuela", "Venezuela"),
        "ES": ("España", "Spain", "Espanha"),
        "PT": ("Portugal", "Portugal", "Portugal"),
    }
)

# ISO 3166-1 alpha-3 code -> alpha-2 code, for the same countries.
ALPHA3: Mapping[str, str] = MappingProxyType(
    {
        "ATG": "AG", "ARG": "AR", "BHS": "BS", "BRB": "BB", "BLZ": "BZ", "BOL": "BO",
        "BRA": "BR", "CAN": "CA", "CHL": "CL", "COL": "CO", "CRI": "CR", "CUB": "CU",
        "DMA": "DM", "DOM": "DO", "ECU": "EC", "SLV": "SV", "GRD": "GD", "GTM": "GT",
        "GUY": "GY", "HTI": "HT", "HND": "HN", "JAM": "JM", "MEX": "MX", "NIC": "NI",
        "PAN": "PA", "PRY": "PY", "PER": "PE", "KNA": "KN", "LCA": "LC", "VCT": "VC",
        "SUR": "SR", "TTO": "TT", "USA": "US", "URY": "UY", "VEN": "VE", "ESP": "ES",
        "PRT": "PT",
    }
)  # fmt: skip

# Other names people write: official long forms, abbreviations and "St." spellings.
OTHER_NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "BS": ("The Bahamas", "Las Bahamas", "Bahamas, The", "Commonwealth of the Bahamas"),
        "BO": (
            "Estado Plurinacional de Bolivia",
            "Bolivia (Estado Plurinacional de)",
            "Plurinational State of Bolivia",
            "Bolivia, Plurinational State of",
        ),
        "DO": ("Rep. Dominicana",),
        "KN": ("St. Kitts and Nevis", "Saint Kitts y Nevis", "São Cristóvão e Neves"),
        "LC": ("St. Lucia",),
        "MX": ("Estados Unidos Mexicanos", "Méjico"),
        "US": (
            "Estados Unidos de América",
            "United States of America",
            "Estados Unidos da América",
            "EE. UU.",
            "EE UU",
            "EEUU",
            "U.S.A.",
            "EUA",
        ),
        "VC": (
            "St. Vincent and the Grenadines",
            "San Vicente y Granadinas",
            "São Vicente e as Granadinas",
        ),
        "VE": (
            "República Bolivariana de Venezuela",
            "Venezuela (República Bolivariana de)",
            "Bolivarian Republic of Venezuela",
            "Venezuela, Bolivarian Republic of",
        ),
    }
)


def name_key(text: str) -> str:
    """Return `text` without accents, case or punctuation, for matching what people type."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    # "EE.UU." and "EEUU" are one spelling; "&" stands for the "and" the tables spell out.
    plain = plain.replace(".", "").replace("&", " and ")
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, names in COUNTRIES.items():
        for name in (*names, *OTHER_NAMES.get(code, ())):
            index[name_key(name)] = code
    return index


_BY_NAME: Mapping[str, str] = MappingProxyType(_name_index())


def country_code(value: str) -> str | None:
    """Return the alpha-2 code for a code or a name in es/en/pt, or None when not in the table."""
    key = name_key(value)
    compact = key.replace(" ", "").upper()
    if len(compact) == 2 and compact in COUNTRIES:
        return compact
    if len(compact) == 3 and compact in ALPHA3:
        return ALPHA3[compact]
    return _BY_NAME.get(key)
