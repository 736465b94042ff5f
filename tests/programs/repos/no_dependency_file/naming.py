import pulumi


def name_for(what: str) -> str:
    return f"{pulumi.get_project()}-{what}"
