import pulumi

pulumi.Config().get_int("zones")
