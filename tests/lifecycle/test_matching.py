"""Raw OS and product names as inventories write them resolve to releases; the rest is listed."""

from __future__ import annotations

import pytest

from daicho.core.audit import Channel, audit_context
from daicho.lifecycle import selectors, services
from daicho.lifecycle.matching import Resolver
from daicho.lifecycle.models import MatchRule, ProductRelease
from daicho.sam.models import Device

CASES = [
    ("Windows XP Professional SP3", "windows", "xp"),
    ("Microsoft Windows XP Professional Version 2002 Service Pack 3", "windows", "xp"),
    ("Windows Vista Business", "windows", "vista"),
    ("Windows 7 Professional SP1", "windows", "7"),
    ("Microsoft Windows 7 Enterprise 6.1.7601", "windows", "7"),
    ("Ｗｉｎｄｏｗｓ　７　Ｐｒｏｆｅｓｓｉｏｎａｌ", "windows", "7"),
    ("Windows 8.1 Pro", "windows", "8.1"),
    ("Microsoft Windows 10 Enterprise", "windows", "10"),
    ("Windows10 Pro 64bit", "windows", "10"),
    ("Microsoft Windows 10 Enterprise LTSC 2019", "windows", "10-ltsc-2019"),
    ("Windows 10 Enterprise 2016 LTSB", "windows", "10-ltsb-2016"),
    ("Microsoft Windows 11 Enterprise 10.0.22631", "windows", "11-23h2"),
    ("Microsoft Windows 11 Enterprise 10.0.26100", "windows", "11-24h2"),
    ("Windows 11 Enterprise 24H2", "windows", "11-24h2"),
    ("Windows 11 Pro", "windows", "11"),
    ("Microsoft(R) Windows(R) Server 2003 Standard Edition", "windows-server", "2003"),
    ("Microsoft Windows Server 2003 R2 Enterprise x64 Edition", "windows-server", "2003"),
    ("Microsoft Windows Server 2008 Standard", "windows-server", "2008"),
    ("Microsoft Windows Server 2008 R2 Standard", "windows-server", "2008-r2"),
    ("Windows Server 2012 R2 Datacenter", "windows-server", "2012-r2"),
    ("Microsoft Windows Server 2016 Standard", "windows-server", "2016"),
    ("Windows Server 2019 Datacenter", "windows-server", "2019"),
    ("Microsoft Windows Server 2022 Standard Evaluation", "windows-server", "2022"),
    ("Red Hat Enterprise Linux Server release 5.4 (Tikanga)", "rhel", "5"),
    ("Red Hat Enterprise Linux Server release 6.5 (Santiago)", "rhel", "6"),
    ("Red Hat Enterprise Linux Server release 7.9 (Maipo)", "rhel", "7"),
    ("Red Hat Enterprise Linux release 8.8 (Ootpa)", "rhel", "8"),
    ("RHEL 9.2", "rhel", "9"),
    ("CentOS Linux 7.9.2009", "centos", "7"),
    ("CentOS release 6.10 (Final)", "centos", "6"),
    ("CentOS Stream 9", "centos-stream", "9"),
    ("Ubuntu 22.04.4 LTS", "ubuntu", "22.04"),
    ("Debian GNU/Linux 11 (bullseye)", "debian", "11"),
    ("SUSE Linux Enterprise Server 12 SP5", "sles", "12"),
    ("Oracle Database 11g Release 2 (11.2.0.4)", "oracle-database", "11.2"),
    (
        "Oracle Database 11g Enterprise Edition Release 11.2.0.4.0 - 64bit",
        "oracle-database",
        "11.2",
    ),
    ("Oracle Database 12c Release 1", "oracle-database", "12.1"),
    ("Oracle Database 19c Standard Edition 2", "oracle-database", "19"),
    ("Microsoft SQL Server 2008 R2 Standard", "mssqlserver", "2008-r2"),
    ("Microsoft SQL Server 2014 (SP3) Standard Edition", "mssqlserver", "2014"),
    ("SQL Server 2019 Standard", "mssqlserver", "2019"),
    ("PostgreSQL 9.2.24", "postgresql", "9.2"),
    ("PostgreSQL 15.5", "postgresql", "15"),
    ("MySQL Community Server 5.7.44", "mysql", "5.7"),
    ("Java SE 8 Update 401", "java", "8"),
    ("Java(TM) SE Runtime Environment (build 1.8.0_381-b09)", "java", "8"),
    ("Java 7 Update 80", "java", "7"),
    ("OpenJDK 17.0.9", "java", "17"),
    ("PHP 7.4.33", "php", "7.4"),
    ("Apache Tomcat 8.5.100", "tomcat", "8.5"),
    ("Apache Tomcat 7.0.109", "tomcat", "7"),
    ("Apache HTTP Server 2.2.34", "apache-httpd", "2.2"),
    ("IIS 7.5", "iis", "7.5"),
    ("Internet Information Services 10", "iis", "10.0"),
    ("VMware ESXi 5.5.0", "esxi", "5.5"),
    ("VMware ESXi 8.0 Update 2", "esxi", "8.0"),
    ("VMware vCenter Server 6.7", "vcenter", "6.7"),
    ("Internet Explorer 11", "internet-explorer", "11"),
    ("Microsoft Edge", "edge", "evergreen"),
    ("Mozilla Firefox 115.9.1esr", "firefox-esr", "115"),
    ("Microsoft Office Professional Plus 2010", "office", "2010"),
    ("Microsoft Office Standard 2016", "office", "2016"),
    ("Microsoft 365 Apps for enterprise", "office", "m365"),
    ("Adobe Reader XI", "adobe-acrobat", "xi"),
    ("Adobe Acrobat Reader DC", "adobe-acrobat", "dc"),
    ("Adobe Acrobat 2020", "adobe-acrobat", "2020"),
    ("一太郎2014 徹", "ichitaro", "2014"),
]


@pytest.mark.parametrize(("raw", "product", "cycle"), CASES)
def test_real_world_names_resolve_to_their_release(db, raw, product, cycle):
    release_id = Resolver().release_id(raw)
    assert release_id is not None, raw
    release = ProductRelease.objects.select_related("product").get(pk=release_id)
    assert (release.product.slug, release.cycle) == (product, cycle)


def test_at_least_forty_real_world_strings_are_covered():
    assert len(CASES) >= 40


@pytest.mark.parametrize("raw", ["Solaris 10", "HP-UX 11i v3", "MS-DOS 6.2", "Windows 95"])
def test_names_no_rule_knows_stay_unmatched_with_a_reason(db, raw):
    resolution = Resolver().resolve(raw)
    assert resolution.release_id is None
    assert resolution.reason


def test_an_unmatched_name_is_listed_then_mapped_by_policy_and_the_records_follow(world):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        from daicho.sam import services as sam_services

        for n in range(3):
            sam_services.device_create(
                organisation=world.org, name=f"PC{n}", unit=world.section_a, os="Solaris 10"
            )
    names = selectors.unmatched_names(organisation=world.org)
    assert [(n.raw, n.count) for n in names] == [("Solaris 10", 3)]
    release = ProductRelease.objects.get(product__slug="rhel", cycle="7")
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.raw_name_map(organisation=world.org, raw="Solaris 10", release=release)
    assert selectors.unmatched_names(organisation=world.org) == []
    assert set(Device.objects.values_list("release_id", flat=True)) == {release.pk}
    rule = MatchRule.objects.get(organisation=world.org)
    assert rule.priority == 1


def test_an_organisations_own_rule_wins_over_the_shipped_one(world):
    xp = ProductRelease.objects.get(product__slug="windows", cycle="xp")
    vista = ProductRelease.objects.get(product__slug="windows", cycle="vista")
    assert Resolver(world.org).release_id("Windows XP Professional") == xp.pk
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.rule_create(
            organisation=world.org, pattern="windows xp", product=vista.product, cycle="vista"
        )
    assert Resolver(world.org).release_id("Windows XP Professional") == vista.pk
    assert Resolver(world.other_org).release_id("Windows XP Professional") == xp.pk


def test_a_bad_pattern_is_refused_with_the_reason(world):
    from django.core.exceptions import ValidationError

    product = ProductRelease.objects.first().product
    with (
        audit_context(actor=world.policy, channel=Channel.WEB),
        pytest.raises(ValidationError) as e,
    ):
        services.rule_create(
            organisation=world.org, pattern="windows (", product=product, cycle="7"
        )
    assert "pattern" in e.value.message_dict


def test_only_the_it_policy_division_adds_rules(world):
    from django.core.exceptions import PermissionDenied

    product = ProductRelease.objects.first().product
    with audit_context(actor=world.owner_a, channel=Channel.WEB), pytest.raises(PermissionDenied):
        services.rule_create(organisation=world.org, pattern="x", product=product, cycle="7")
