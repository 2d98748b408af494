"""People, accounts and positions factories. ID numbers and phones are synthetic but valid."""

from __future__ import annotations

import datetime as dt

import factory

from haolinju.accounts.models import User
from haolinju.core.crypto import blind_index
from haolinju.core.validators import make_id_number
from haolinju.org.models import Area
from haolinju.people.models import (
    Employment,
    HeldAt,
    Member,
    Mobility,
    Person,
    Position,
    Volunteer,
)
from haolinju.people.services import PersonalData, encrypted_fields


def synthetic_id(n: int) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=(n * 37) % 20000)
    return make_id_number("421102", birth, n % 1000)


def synthetic_phone(n: int) -> str:
    return f"139{n % 100_000_000:08d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        seq = factory.Sequence(lambda n: n + 1)
        id_number = factory.LazyAttribute(lambda o: synthetic_id(o.seq))
        phone = factory.LazyAttribute(lambda o: synthetic_phone(o.seq))

    name = factory.Sequence(lambda n: f"居民{n}")
    area = None  # required: pass an Area
    area_path = factory.LazyAttribute(lambda o: o.area.path)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return super()._create(model_class, *args, **kwargs)

    @factory.lazy_attribute
    def id_number_enc(self):
        return self._protected["id_number_enc"]

    @factory.lazy_attribute
    def _protected(self):
        from haolinju.core.validators import parse_id_number

        parsed = parse_id_number(self.id_number)
        return encrypted_fields(
            PersonalData(
                id_number=parsed.value,
                phone=self.phone,
                sex=parsed.sex,
                birth_date=parsed.birth_date,
            )
        )

    id_number_index = factory.LazyAttribute(lambda o: o._protected["id_number_index"])
    id_number_masked = factory.LazyAttribute(lambda o: o._protected["id_number_masked"])
    phone_enc = factory.LazyAttribute(lambda o: o._protected["phone_enc"])
    phone_index = factory.LazyAttribute(lambda o: o._protected["phone_index"])
    phone_masked = factory.LazyAttribute(lambda o: o._protected["phone_masked"])
    sex = factory.LazyAttribute(lambda o: o._protected["sex"])
    birth_date = factory.LazyAttribute(lambda o: o._protected["birth_date"])

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs.pop("_protected", None)
        return kwargs


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    person = None
    area_path = factory.LazyAttribute(lambda o: o.person.area_path)
    held_at = HeldAt.COMMUNITY
    employment = Employment.RETIRED
    mobility = Mobility.SETTLED
    joined_on = dt.date(1985, 7, 1)


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    person = None
    area_path = factory.LazyAttribute(lambda o: o.person.area_path)
    skills = factory.LazyFunction(lambda: ["水电维修"])


def account_for(person: Person, username: str | None = None, password: str = "pw-for-tests"):
    """Give a person a login; their phone becomes a login name too."""
    from haolinju.core.crypto import decrypt

    user = UserFactory(username=username or f"u{person.pk}", password=password)
    phone = decrypt(person.phone_enc)
    user.phone_index = blind_index(phone, "phone") if phone else ""
    user.display_name = person.name
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user


def staff(title: str, area: Area, *, home: Area | None = None, username: str | None = None):
    """A user holding ``title`` over ``area`` (living at ``home``, default the area itself)."""
    person = PersonFactory(area=home or area)
    Position.objects.create(
        person=person,
        title=title,
        area=area,
        area_path=area.path,
        started_on=dt.date(2020, 1, 1),
    )
    return account_for(person, username=username)


def resident(home: Area, *, username: str | None = None):
    """A user with no position, living at ``home``."""
    return account_for(PersonFactory(area=home), username=username)
