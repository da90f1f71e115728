"""Demo knowledge base (seed 002): two product lines, articles in the desk's four
languages, some for resellers only; and the searches of the last days, for "frequent searches"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.knowledge import search
from models import ArticleAudience, KnowledgeArticle, SearchLog

PRODUCTS = {
    "Payroll Cloud": "Payroll",
    "Payroll Desktop": "Payroll",
    "Accounting Cloud": "Accounting",
    "E-invoicing": "Accounting",
}
ARTICLES = [  # language, product, resellers only, title, body (Markdown)
    (
        "it",
        "Payroll Cloud",
        False,
        "Stampare il cedolino in PDF",
        "Dal menu **Cedolini** scegliere il mese, poi *Stampa* → *PDF*.\n\n"
        "Se il PDF è vuoto, verificare che il mese sia **chiuso** "
        "(vedi «Chiusura del mese paghe»).",
    ),
    (
        "it",
        "Payroll Desktop",
        False,
        "Chiusura del mese paghe",
        "Ordine delle operazioni:\n\n1. elaborare i cedolini;\n2. controllare il riepilogo;\n"
        "3. chiudere il mese da *Utilità* → *Chiusura mese*.\n\n"
        "Dopo la chiusura il cedolino si stampa anche in PDF.",
    ),
    (
        "it",
        "E-invoicing",
        False,
        "Fattura elettronica scartata dallo SdI (codice 00404)",
        "Lo scarto **00404** indica una fattura duplicata: stesso numero, data e partita IVA "
        "del cedente. Correggere il numero e inviare di nuovo.",
    ),
    (
        "it",
        "Accounting Cloud",
        True,
        "Rivenditori: attivare la licenza di un cliente",
        "Dal portale partner, *Clienti* → *Licenze* → **Attiva**. Il codice di attivazione "
        "arriva al cliente per e-mail.\n\n> Riservato ai rivenditori: non leggerlo al cliente.",
    ),
    (
        "fr",
        "Payroll Cloud",
        False,
        "Imprimer le bulletin de paie en PDF",
        "Menu **Bulletins**, choisir le mois, puis *Imprimer* → *PDF*. Un PDF vide signifie "
        "que le mois n'est pas encore **clôturé**.",
    ),
    (
        "fr",
        "E-invoicing",
        False,
        "Facture électronique rejetée : que faire ?",
        "Un rejet pour doublon signifie que le numéro de facture a déjà été envoyé. "
        "Corriger le numéro, puis envoyer de nouveau.",
    ),
    (
        "fr",
        "Accounting Cloud",
        True,
        "Revendeurs : transférer une licence",
        "Depuis le portail partenaire, *Clients* → *Licences* → **Transférer**. "
        "Le client d'origine perd l'accès à la fin du mois.",
    ),
    (
        "nl",
        "Payroll Cloud",
        False,
        "Loonstrook afdrukken als PDF",
        "Kies in het menu **Loonstroken** de maand en daarna *Afdrukken* → *PDF*. "
        "Een lege PDF betekent dat de maand nog niet is **afgesloten**.",
    ),
    (
        "nl",
        "Accounting Cloud",
        False,
        "Btw-aangifte voorbereiden",
        "Controleer eerst alle boekingen van het kwartaal; daarna *Btw* → *Aangifte* → "
        "**Voorbereiden**. Zie ook de [handleiding](https://example.org/handleiding-btw).",
    ),
    (
        "en",
        "Payroll Cloud",
        False,
        "Print a payslip as PDF",
        "In **Payslips**, choose the month, then *Print* → *PDF*. An empty PDF means the "
        "month is not **closed** yet: close it first.",
    ),
    (
        "en",
        "E-invoicing",
        False,
        "E-invoice rejected as a duplicate",
        "A rejection for a duplicate means the invoice number, date and VAT number were "
        "already sent. Correct the number and send the invoice again.",
    ),
    (
        "en",
        "Accounting Cloud",
        True,
        "Resellers: transfer a licence to another customer",
        "In the partner portal, *Customers* → *Licences* → **Transfer**. The first customer "
        "keeps access until the end of the month.\n\n| Step | Who |\n|---|---|\n"
        "| Transfer | reseller |\n| Confirm | new customer |",
    ),
]
SEARCHES = [  # days ago, words, language, audience
    (1, "cedolino PDF", "it", "public"),
    (2, "Cedolino  pdf", "it", "public"),
    (3, "cedolino pdf", "it", "public"),
    (1, "fattura scartata", "it", "public"),
    (4, "Fattura scartata", "it", "public"),
    (2, "licenza", "it", "resellers"),
    (1, "payslip", "en", "public"),
    (5, "payslip PDF", "en", "public"),
    (6, "payslip", "en", "public"),
    (3, "bulletin de paie", "fr", "public"),
]


def add_articles(session: Session) -> int:
    if session.scalar(select(KnowledgeArticle.id).limit(1)) is not None:
        return 0
    for language, product, resellers, title, body in ARTICLES:
        session.add(
            KnowledgeArticle(
                title=title,
                body=body,
                product_line=PRODUCTS[product],
                product=product,
                audience=ArticleAudience.RESELLERS if resellers else ArticleAudience.PUBLIC,
                language=language,
            )
        )
    session.flush()  # the full-text index is filled as the rows are inserted
    now = dt.datetime.now(dt.UTC)
    for days, words, language, audience in SEARCHES:
        result = search(
            session, words, language=language, audience=audience, operator_username="demo-operator"
        )
        session.get_one(SearchLog, result.search_log_id).created_at = now - dt.timedelta(days=days)
    return len(ARTICLES)
