import factory

from core.accounts.models import Role, User

DEMO_PASSWORD = "chunfeng-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user; pass `role` and `region` (a Region row) for the scope under test."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    role = Role.COUNTY_STAFF
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class JobSeekerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"seeker{n}")
    role = Role.JOB_SEEKER
    region = None
    phone = factory.Sequence(lambda n: f"138{n:08d}")
