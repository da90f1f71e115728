"""Merging clients the way the console does it: the preview issues the token that the
confirmation carries."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.context import Actor
from actions.merge_clients import ask_delete, ask_merge, delete_client, merge
from actions.steps import Proof
from models import ClientMerge

KEY = "k" * 32


def merged(session: Session, actor: Actor, source_id: int, target_number: str) -> ClientMerge:
    plan = ask_merge(session, actor, source_id, target_number, KEY)
    return merge(session, actor, source_id, target_number, Proof(plan.step, KEY))


def deleted(session: Session, actor: Actor, client_id: int, typed: str) -> None:
    step = ask_delete(session, actor, client_id, KEY)
    delete_client(session, actor, client_id, typed, Proof(step, KEY))
