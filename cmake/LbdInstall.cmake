# SPDX-License-Identifier: GPL-2.0-or-later
# Install rules for lbd's own files: used by `cmake --install` and by the Debian package (debian/,
# built with dpkg-buildpackage, whose cmake build system installs into the package's staging tree).
#
# Paths follow Debian 12: binaries in /usr/sbin (the unit runs /usr/sbin/lbd), the unit in
# /lib/systemd/system. The unit has an absolute destination because its place does not depend on the
# prefix; for an install from source use --prefix /usr so the binaries are where the unit looks.
#
# Nothing goes to /etc: the annotated example describes a network that is not the operator's (VRRP
# priority 150, preemption), so it is documentation, not a live configuration. The operator copies
# it to /etc/lbd/lbd.conf; the unit does not start before that file exists.

install(TARGETS lbd lbctl lbd-ipvs RUNTIME DESTINATION sbin)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/lbd.service DESTINATION /lib/systemd/system)
# The lbd-script account lbd's scripts run as by default (created by systemd-sysusers: at boot, and
# by the package's postinst).
install(FILES ${PROJECT_SOURCE_DIR}/systemd/lbd.sysusers DESTINATION /usr/lib/sysusers.d RENAME lbd.conf)
install(FILES ${PROJECT_SOURCE_DIR}/etc/lbd.conf DESTINATION share/doc/lbd/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/lbd.conf.md
        DESTINATION share/doc/lbd)

# Prometheus alert rules, for the operator to point Prometheus at (rule_files).
if(EXISTS ${PROJECT_SOURCE_DIR}/docs/prometheus)
  file(GLOB lbd_prometheus_rules CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/prometheus/*.yml)
  if(lbd_prometheus_rules)
    install(FILES ${lbd_prometheus_rules} DESTINATION share/lbd/prometheus)
  endif()
endif()
