from ledger import commands
from ledger.ledger import Ledger


def test_a_definition_is_read_back_by_a_second_ledger_object(open_ledger, admin_key, db_url):
    commands.define_milestone(
        ledger=open_ledger,
        signer=admin_key,
        code="LDM-503-01",
        title="T",
        due="2020-01-01",
        level=2,
    )

    again = Ledger.open(db_url)

    assert again.state().milestones["LDM-503-01"].title == "T"
    again.close()
