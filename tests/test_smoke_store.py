from ledger import requests as rq
from ledger.execute import record
from ledger.ledger import Ledger


def test_a_definition_is_read_back_by_a_second_ledger_object(open_ledger, admin_key, db_url):
    record(
        rq.DefineMilestone(code="LDM-503-01", title="T", due="2020-01-01", level=2),
        ledger=open_ledger,
        signer=admin_key,
    )

    again = Ledger.open(db_url)

    assert again.state().milestones["LDM-503-01"].title == "T"
    again.close()
