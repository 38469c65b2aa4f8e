"""A DPIA pre-filled from an Art. 30 entry, in the JSON the CNIL PIA tool imports.

The format was read from the tool's own sources (LINCnil/pia, GPL-3):
``src/app/services/pia.service.ts`` (``exportData`` builds ``{pia, answers, measures,
evaluations, comments}``; ``importData`` rejects a file without ``pia`` and reads
``answers``, ``measures``, ``evaluations`` and ``comments`` as arrays, ``forEach``/
``length``/``for..of`` on each, so all four must be present even when empty);
``src/assets/files/pia_architecture.json`` (question ids: section 1 "Contexte", items
1.1 "Vue d'ensemble" = 111-113 and 1.2 "Données, processus et supports" = 121-123;
section 2 "Principes fondamentaux" = 211-215 and 221-227; section 3 "Risques", item 3.1
= the measures); ``src/assets/files/2018-02-21-pia-example.json`` (shape of an answer:
``{pia_id, reference_to: <question id>, data: {text, gauge, list}, created_at}``; of a
measure: ``{pia_id, title, content, placeholder, created_at}``; ``pia`` fields such as
``name``, ``status``, ``author_name``, ``dpos_names``, ``created_at``). Answer texts are
HTML in that tool (its editor is rich text), so ours are escaped HTML.

Filled here:

* ``pia``: ``name`` (the activity), ``status`` 0 (being edited), ``dpos_names`` (DPO
  contact), ``category`` "", ``created_at``/``updated_at``; author, evaluator and
  validator names are left empty for the DPO to assign;
* ``rejected_reason`` and ``applied_adjustements`` (the tool's spelling, read by
  ``importData`` from ``data.pia``), empty: they record the validator's refusal;
* answers 111 (what is processed: purposes, AI systems), 112 (responsibilities:
  controller, processors and recipients, AI providers), 113 (applicable references: the
  policies linked to its AI systems, with their status), 121 (data: declared categories,
  categories of CONFIRMED findings, data subjects, recipients, retention), 123 (data
  supports: datasets and their stores and hosting countries, each AI system's host),
  211 (purposes), 212 (legal
  basis, Art. 9(2) and Art. 10 conditions), 215 (retention), 226 (processors and their
  contract references), 227 (transfers outside the EU and their mechanisms);
* measures: the security measures of the Art. 30 entry, as one existing measure, with
  an ``id`` (evaluations refer to measures by it);
* evaluations and comments: empty (they are the evaluator's work).

Not verified: we did not run an import in the tool itself (no browser here); the tool
keeps its data in IndexedDB or its own back end and re-numbers ids on import, so our ids
are placeholders. Question 122 (data life cycle), 213-214, 221-225 and the risk section
are left for the DPO: the catalog holds no facts for them.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from sqlalchemy.orm import Session

from registre.catalog.exports.common import (
    ExportFile,
    ExportFormat,
    ExportKind,
    confirmed_categories,
    dataset_label,
    json_file,
    legal_basis_label,
    require_format,
    transfer_label,
)
from registre.catalog.models.ai import ProcessingActivity

PIA_ID = 1  # a placeholder: the tool gives the imported PIA its own id
DEFAULT_MEASURE_PLACEHOLDER = "measures.default_placeholder"


def _para(text: str | None) -> str:
    return f"<p>{html.escape(text)}</p>" if text else ""


def _items(title: str, values: list[str]) -> str:
    if not values:
        return ""
    lis = "".join(f"<li>{html.escape(v)}</li>" for v in values)
    return f"<p><strong>{html.escape(title)}</strong></p><ul>{lis}</ul>"


def _answer(question: int, text: str, at: str) -> dict[str, Any]:
    return {
        "pia_id": PIA_ID,
        "reference_to": question,
        "data": {"text": text, "gauge": 0, "list": []},
        "created_at": at,
        "updated_at": at,
    }


def pia_document(
    session: Session, activity: ProcessingActivity, now: dt.datetime
) -> dict[str, Any]:
    """The PIA tool's export structure, pre-filled from ``activity``."""
    at = now.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    dpo = _dpo(activity)
    texts = _answer_texts(session, activity)
    return {
        "pia": _pia_header(activity, dpo, at),
        "answers": [_answer(q, text, at) for q, text in sorted(texts.items()) if text],
        "measures": _measures(activity, at),
        "evaluations": [],
        "comments": [],
    }


def _dpo(activity: ProcessingActivity) -> str | None:
    controller = activity.controller
    return activity.dpo_contact or (controller.dpo_contact if controller else None)


def _answer_texts(session: Session, activity: ProcessingActivity) -> dict[int, str]:
    """The answers pre-filled from the register, by PIA question id."""
    controller = activity.controller
    dpo = _dpo(activity)
    datasets = sorted(activity.datasets, key=dataset_label)
    systems = sorted(activity.ai_systems, key=lambda s: s.name)
    providers = sorted({s.provider.name for s in systems if s.provider is not None})
    contracts = sorted(
        f"{s.name} : {s.processor_contract_ref}" for s in systems if s.processor_contract_ref
    )
    detected = confirmed_categories(session, (d.id for d in datasets))
    supports = [
        f"{dataset_label(d)} ({d.data_store.kind.value}"
        + (f", hébergé en {d.data_store.hosting_country}" if d.data_store.hosting_country else "")
        + ")"
        for d in datasets
    ]
    legal = [
        legal_basis_label(activity.legal_basis),
        f"Art. 9(2) : {activity.special_category_condition}"
        if activity.special_category_condition
        else "",
        f"Art. 10 : {activity.criminal_data_condition}" if activity.criminal_data_condition else "",
    ]
    references = sorted(
        {
            f"{link.policy.framework.value} {link.policy.control_ref} — {link.policy.title} "
            f"({s.name} : {link.status.value})"
            for s in systems
            for link in s.policy_links
        }
    )
    hosting = [
        f"{s.name} : "
        + (s.hosting_organisation.name if s.hosting_organisation else "hébergeur non renseigné")
        + (f", {s.hosting_country}" if s.hosting_country else "")
        for s in systems
    ]
    return {
        111: _para(f"Traitement : {activity.name}")
        + _para(activity.purposes)
        + _items("Systèmes d'IA utilisés", [s.name for s in systems]),
        112: _items("Responsable du traitement", [controller.name] if controller else [])
        + _items("Délégué à la protection des données", [dpo] if dpo else [])
        + _items("Destinataires et sous-traitants", list(activity.recipients))
        + _items("Fournisseurs des systèmes d'IA", providers),
        113: _items("Référentiels et politiques applicables (liés aux systèmes d'IA)", references),
        121: _items("Catégories de données déclarées", list(activity.data_categories))
        + _items("Catégories constatées dans les jeux de données (constats confirmés)", detected)
        + _items("Personnes concernées", list(activity.data_subject_categories))
        + _items("Destinataires", list(activity.recipients))
        + (_items("Durée de conservation", [activity.retention]) if activity.retention else ""),
        123: _items("Jeux de données et entrepôts", supports)
        + _items("Hébergement des systèmes d'IA", hosting),
        211: _para(activity.purposes),
        212: _items("Fondements", [v for v in legal if v]),
        215: _para(activity.retention),
        226: _items("Destinataires et sous-traitants", list(activity.recipients))
        + _items("Contrats de sous-traitance (Art. 28)", contracts),
        227: _items("Transferts hors UE", [transfer_label(t) for t in activity.transfers])
        or _para("Aucun transfert hors de l'Union européenne n'est enregistré."),
    }


def _measures(activity: ProcessingActivity, at: str) -> list[dict[str, Any]]:
    """The security measures of the Art. 30 entry, as one PIA measure."""
    measures: list[dict[str, Any]] = []
    if activity.security_measures:
        measures.append(
            {
                "id": len(measures) + 1,  # evaluations refer to measures by id ("3.1.<id>")
                "pia_id": PIA_ID,
                "title": "Mesures de sécurité déclarées au registre (Art. 30(1)(g))",
                "content": _para(activity.security_measures),
                "placeholder": DEFAULT_MEASURE_PLACEHOLDER,
                "created_at": at,
                "updated_at": at,
            }
        )
    return measures


def _pia_header(activity: ProcessingActivity, dpo: str | None, at: str) -> dict[str, Any]:
    return {
        "id": PIA_ID,
        "name": activity.name,
        "category": "",
        "status": 0,
        "author_name": "",
        "evaluator_name": "",
        "validator_name": "",
        "dpos_names": dpo or "",
        "dpo_status": None,
        "dpo_opinion": None,
        "people_names": "",
        "concerned_people_status": None,
        "concerned_people_opinion": None,
        "concerned_people_searched_opinion": None,
        "concerned_people_searched_content": None,
        # the tool's own spelling (pia.model.ts, importData): read on import
        "rejected_reason": None,
        "applied_adjustements": None,
        "created_at": at,
        "updated_at": at,
    }


def export_pia(
    session: Session, activity: ProcessingActivity, fmt: ExportFormat, now: dt.datetime
) -> ExportFile:
    require_format(ExportKind.PIA, fmt, (ExportFormat.JSON,))
    return json_file(f"pia-{activity.id}", pia_document(session, activity, now))
