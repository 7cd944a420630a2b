"""Fill a `PortalState` from the sample-data generator (kapusta_desktop.domain.sample_data)."""

from __future__ import annotations

from kapusta_desktop.domain.sample_data import SampleData
from kapusta_desktop.sandbox.bitrix24.clock import iso
from kapusta_desktop.sandbox.bitrix24.state import SPECS, PortalState


def _phones(phones: tuple) -> list[dict[str, str]]:
    return [{"VALUE": p.value, "VALUE_TYPE": p.value_type} for p in phones]


def _emails(emails: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"VALUE": e, "VALUE_TYPE": "WORK"} for e in emails]


def seed_state(state: PortalState, data: SampleData) -> None:
    for m in data.managers:
        state.users.insert({
            "ACTIVE": True, "NAME": m.name, "LAST_NAME": m.last_name, "EMAIL": m.email, "WORK_PHONE": m.phone,
            "PERSONAL_MOBILE": m.phone, "UF_PHONE_INNER": m.extension, "UF_DEPARTMENT": [1],
            "WORK_POSITION": m.department, "_ADMIN": m.is_admin,
        }, m.id)
    company, contact, deal, lead = SPECS["company"], SPECS["contact"], SPECS["deal"], SPECS["lead"]
    for c in data.companies:
        fields = {"TITLE": c.title, "COMPANY_TYPE": "CUSTOMER", "ASSIGNED_BY_ID": c.responsible_id,
                  "PHONE": _phones(c.phones), "EMAIL": _emails(c.emails),
                  "UF_CRM_INN": c.inn, "UF_CRM_KPP": c.kpp, "UF_CRM_VIP": "1" if c.is_vip else "0"}
        if c.site:
            fields["WEB"] = [{"VALUE": c.site, "VALUE_TYPE": "WORK"}]
        state.crm_add(company, fields, user_id=c.responsible_id, row_id=c.id, created=iso(c.created),
                      modified=iso(c.modified))
    for p in data.contacts:
        fields = {"NAME": p.name, "SECOND_NAME": p.second_name, "LAST_NAME": p.last_name, "POST": p.position,
                  "COMPANY_ID": p.company_id, "ASSIGNED_BY_ID": p.responsible_id, "TYPE_ID": "CLIENT",
                  "PHONE": _phones(p.phones), "EMAIL": _emails(p.emails)}
        state.crm_add(contact, fields, user_id=p.responsible_id, row_id=p.id, created=iso(p.created),
                      modified=iso(p.modified))
    for d in data.deals:
        stage = d.stage_id if d.pipeline_id == 0 else f"C{d.pipeline_id}:{d.stage_id}"
        fields = {"TITLE": d.title, "TYPE_ID": "SALE", "CATEGORY_ID": d.pipeline_id, "STAGE_ID": stage,
                  "OPPORTUNITY": str(d.amount), "CURRENCY_ID": d.currency, "COMPANY_ID": d.company_id,
                  "CONTACT_IDS": list(d.contact_ids), "ASSIGNED_BY_ID": d.responsible_id, "SOURCE_ID": d.source_id}
        state.crm_add(deal, fields, user_id=d.responsible_id, row_id=d.id, created=iso(d.created),
                      modified=iso(d.modified))
    for ld in data.leads:
        fields = {"TITLE": ld.title, "NAME": ld.name, "LAST_NAME": ld.last_name,
                  "COMPANY_TITLE": ld.company_title, "STATUS_ID": ld.status_id, "SOURCE_ID": ld.source_id,
                  "ASSIGNED_BY_ID": ld.responsible_id, "PHONE": _phones(ld.phones)}
        state.crm_add(lead, fields, user_id=ld.responsible_id, row_id=ld.id, created=iso(ld.created),
                      modified=iso(ld.modified))
    for t in data.tasks:
        state.tasks.insert({
            "TITLE": t.title, "DESCRIPTION": t.description, "DEADLINE": iso(t.deadline), "STATUS": str(t.status),
            "PRIORITY": "1", "RESPONSIBLE_ID": str(t.responsible_id), "CREATED_BY": str(t.created_by),
            "CREATED_DATE": iso(t.created), "CHANGED_DATE": iso(t.modified),
            "CLOSED_DATE": iso(t.modified) if t.status == 5 else None, "GROUP_ID": "0",
            "UF_CRM_TASK": [f"D_{t.deal_id}"] if t.deal_id else [],
        }, t.id)
