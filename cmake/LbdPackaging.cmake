# Install rules for lbd's own files and the Debian package built from them with `cpack -G DEB`
# (or `cmake --build build --target package`).
#
# Paths follow Debian 12: binaries in /usr/sbin (the unit runs /usr/sbin/lbd), the unit in
# /lib/systemd/system, the example configuration as the conffile /etc/lbd/lbd.conf. The unit and the
# configuration have absolute destinations because their place does not depend on the prefix; for
# an install from source use --prefix /usr so the binaries are where the unit looks for them.

install(TARGETS lbd lbctl lbd-ipvs RUNTIME DESTINATION sbin)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/lbd.service DESTINATION /lib/systemd/system)
# Never overwrite an operator's configuration when installing from source; the package stages into
# an empty directory, so there it is always installed (and dpkg handles it as a conffile).
# file(INSTALL) puts DESTDIR in front of the absolute destination itself.
install(CODE "
  set(conf \"\$ENV{DESTDIR}/etc/lbd/lbd.conf\")
  if(EXISTS \"\${conf}\")
    message(STATUS \"Keeping existing: \${conf}\")
  else()
    file(INSTALL \"${PROJECT_SOURCE_DIR}/etc/lbd.conf\" DESTINATION /etc/lbd
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
  endif()")
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/lbd.conf.md
        DESTINATION share/doc/lbd)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/prometheus/ DESTINATION share/doc/lbd/prometheus
        FILES_MATCHING PATTERN "*.yml")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lbd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "high-availability director for Linux Virtual Server")
set(CPACK_PACKAGE_DESCRIPTION
    "lbd runs on each director of a pair in front of a pool of real servers. It elects which director
holds the virtual IP addresses (VRRP v2/v3, IPv4/IPv6), health-checks the real servers (TCP,
HTTP/HTTPS, scripts, UDP, DNS) and keeps the kernel's IPVS table as the configuration and the checks
want it, writing only the differences over generic netlink. lbctl inspects and steers it and
prepares real servers for direct routing. Configured in TOML; a replacement for keepalived's LVS
role, with importers for keepalived.conf and ipvsadm rules.")
set(CPACK_PACKAGE_CONTACT "lbd developers <lbd-devel@example.org>")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the binaries' shared libraries (dpkg-shlibdeps, package dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# modprobe: `lbctl realserver setup --mode tun` loads the tunnel module.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "kmod")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "ipvsadm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
