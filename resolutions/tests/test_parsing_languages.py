"""Languages: one rule set per language (parsing/languages/), told from the text's evidence; a language without
a rule set is refused by name, and adding one is adding one file."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from resolutions.parsing import (
    ParseError,
    UnsupportedLanguage,
    languages,
    parse_resolution,
)
from resolutions.parsing.languages import detect_language, rules_for

DATA = Path(__file__).parent / "data"

# Written for this test after the French version of resolution 78/171 as the Assembly prints it.
FRENCH = """Nations Unies
A/RES/78/171
Assemblée générale
Distr. générale
22 décembre 2023

Soixante-dix-huitième session
Point 24 de l’ordre du jour
Développement social

Résolution adoptée par l’Assemblée générale le 19 décembre 2023

[sur la base du rapport de la Troisième Commission (A/78/472, par. 57)]

78/171. Personnes atteintes d’albinisme

L’Assemblée générale,

Réaffirmant la Déclaration universelle des droits de l’homme et rappelant les instruments internationaux
relatifs aux droits de l’homme, notamment le Pacte international relatif aux droits civils et politiques,

Rappelant sa résolution 76/130 du 16 décembre 2021 et ses résolutions antérieures sur les personnes
atteintes d’albinisme,

1. Exhorte les États Membres à continuer de s’acquitter de leurs obligations en matière de protection
des droits humains de toutes les personnes, y compris les personnes atteintes d’albinisme ;

2. Encourage les États Membres à adopter, si nécessaire, des plans d’action nationaux et une législation
sur les droits des personnes atteintes d’albinisme ;

3. Décide d’examiner la question des personnes atteintes d’albinisme à sa quatre-vingtième session.

50e séance plénière
19 décembre 2023
"""

SPANISH = """Naciones Unidas
A/RES/78/171
Asamblea General
Distr. general
22 de diciembre de 2023

Resolución aprobada por la Asamblea General el 19 de diciembre de 2023

78/171. Personas con albinismo

La Asamblea General,

Reafirmando la Declaración Universal de Derechos Humanos y recordando los tratados internacionales de
derechos humanos pertinentes,

1. Insta a los Estados Miembros a que sigan cumpliendo sus obligaciones de defender los derechos humanos
de todas las personas, incluidas las personas con albinismo;

2. Decide examinar la cuestión de las personas con albinismo en su octogésimo período de sesiones.
"""


@pytest.mark.parametrize(("text", "code"), [(FRENCH, "fr"), (SPANISH, "es")], ids=["French", "Spanish"])
def test_a_resolution_in_a_language_without_rules_is_refused_by_name(text, code):
    with pytest.raises(UnsupportedLanguage) as info:
        parse_resolution(text)
    assert info.value.message == f"language {code} is not supported yet"
    assert isinstance(info.value, ParseError)  # the admin and ingest show it as they show every parse error


def test_the_language_is_told_by_evidence_not_by_a_share_of_characters():
    english = (DATA / "A_RES_78_171.txt").read_text(encoding="utf-8")
    chinese = (DATA / "A_RES_67_161.txt").read_text(encoding="utf-8")
    assert detect_language(english).code == "en"
    assert detect_language(chinese).code == "zh"
    # A French name quoted in an English text, and Latin symbols in a Chinese one, change nothing.
    assert detect_language(english.replace("Persons with albinism", "Conseil des droits de l’homme")).code == "en"
    assert detect_language(chinese + "\nA/RES/67/161 A/67/457/Add.1 E/CN.4/2005/102/Add.1 A/HRC/16/52\n" * 3).code == "zh"
    with pytest.raises(UnsupportedLanguage, match="language ru is not supported yet"):
        detect_language("Генеральная Ассамблея, ссылаясь на свою резолюцию 76/130, постановляет продолжить.")


def test_a_text_with_no_letters_is_read_as_english_and_refused_for_what_it_lacks():
    with pytest.raises(ParseError) as info:
        parse_resolution("1234 5678\n90/12\n")
    assert info.value.message.startswith("No numbered title line")


FRENCH_RULES = '''
import re

from resolutions.parsing.document import Body
from resolutions.parsing.languages.base import LanguageRules, followed_by_word

BODY_TITLES = {Body.GENERAL_ASSEMBLY: "Assemblée générale", Body.HUMAN_RIGHTS_COUNCIL: "Conseil des droits de l’homme",
               Body.COMMISSION_ON_HUMAN_RIGHTS: "Commission des droits de l’homme",
               Body.ECOSOC: "Conseil économique et social", Body.SECURITY_COUNCIL: "Conseil de sécurité"}


class French(LanguageRules):
    code = "fr"
    name = "French"
    stop_words = frozenset({"de", "la", "le", "les", "des", "et", "du", "que", "dans", "pour", "sur", "aux"})
    masthead_names = tuple(BODY_TITLES.values())
    body_titles = BODY_TITLES
    bodies = {name: body for body, name in BODY_TITLES.items()}
    opening_re = re.compile(r"^\\s*(?P<opening>L’(?:Assemblée générale|Conseil des droits de l’homme)\\s*,)\\s*$")
    meeting_re = re.compile(r"^\\s*(?P<meeting>(?P<number>\\d{1,4})e\\s+séance(?:\\s+plénière)?)\\s*$")

    def is_marker(self, before, after):
        return not followed_by_word(before[-1:], after) and before[-1:].isalpha()


RULES = French()
'''


def test_adding_a_language_is_adding_one_file(tmp_path, monkeypatch):
    (tmp_path / "fr.py").write_text(FRENCH_RULES, encoding="utf-8")
    monkeypatch.setattr(languages, "__path__", [*languages.__path__, str(tmp_path)])
    try:
        rule_sets = languages._load()
        monkeypatch.setattr(languages, "RULE_SETS", rule_sets)
        assert sorted(rule_sets) == ["en", "fr", "zh"]
        parsed = parse_resolution(FRENCH)
    finally:
        sys.modules.pop("resolutions.parsing.languages.fr", None)
    assert (parsed.language, parsed.symbol, parsed.opening, parsed.meeting) == (
        "fr", "A/RES/78/171", "L’Assemblée générale,", "50e séance plénière"
    )
    assert [p.eid for p in parsed.paragraphs] == ["pp1", "pp2", "op1", "op2", "op3"]
    assert parsed.paragraphs[2].text.startswith("Exhorte les États Membres à continuer de s’acquitter de leurs obligations")
