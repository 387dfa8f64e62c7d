import pytest

from services.team import Role, TeamDirectory, TeamMember


def test_roles_are_ordered_viewer_trader_approver_admin() -> None:
    assert Role.VIEWER < Role.TRADER < Role.APPROVER < Role.ADMIN


@pytest.mark.parametrize(
    ("member_role", "required", "allowed"),
    [
        (Role.ADMIN, Role.APPROVER, True),
        (Role.APPROVER, Role.APPROVER, True),
        (Role.TRADER, Role.APPROVER, False),
        (Role.VIEWER, Role.TRADER, False),
    ],
)
def test_a_member_can_what_their_role_and_lower_roles_can(
    member_role: Role, required: Role, allowed: bool
) -> None:
    assert TeamMember(1, "a", member_role).can(required) is allowed


def test_role_names_parse_case_insensitively() -> None:
    assert Role.from_name(" Admin ") is Role.ADMIN


def test_unknown_role_name_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="must be one of viewer, trader, approver, admin"):
        Role.from_name("boss")


def test_directory_finds_members_by_telegram_id() -> None:
    team = TeamDirectory([TeamMember(1, "alice", Role.ADMIN), TeamMember(2, "bob", Role.VIEWER)])
    assert team.get(2) == TeamMember(2, "bob", Role.VIEWER)
    assert team.get(3) is None
    assert 1 in team and len(team) == 2


def test_directory_rejects_a_telegram_id_twice() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        TeamDirectory([TeamMember(1, "alice", Role.ADMIN), TeamMember(1, "bob", Role.VIEWER)])
