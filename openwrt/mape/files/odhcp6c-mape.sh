#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /etc/odhcp6c.user.d/mape.sh: the mape package's hook in odhcp6c's state
# script. OpenWrt's /lib/netifd/dhcpv6.script turns odhcp6c's MAPE and
# MAPT variables (OPTION_S46_CONT_MAPE, 94; OPTION_S46_CONT_MAPT, 95) into
# an interface only for the map package (it checks for
# /lib/netifd/proto/map.sh and adds "proto map"); at its end it runs
# /etc/odhcp6c.user, which runs each file of this directory with the
# script's arguments ($1 the device, $2 the state) and environment. This
# does for proto mape what the stock script does for map: on bound,
# informed, updated, rebound (and ra-updated with addresses or prefixes)
# it adds the dynamic interface ${IFACE_MAP:-${INTERFACE}_4} (proto mape,
# rule $MAPE, or rule $MAPT and maptype map-t, tunlink $INTERFACE, zone
# $ZONE_MAP or $ZONE); on stopped and unbound, or once the server sends
# neither option, it removes it. The dhcpv6 interface's options iface_map
# (0: no interface), zone_map and delegate keep their meanings.
#
# Both options at once (the dhcpv6 interface asked for both in reqopts):
# RFC 7598 section 5 says what each container holds, not which of two a
# CE takes, so neither is: the interface goes and the log says to request
# one only. (The stock script takes MAP-E then.)
#
# It may be sourced (in a subshell or not) or run: it defines only
# mape_odhcp6c_* names, never exits, and loads jshn only if the state
# script has not.
#
# shellcheck shell=dash disable=SC1091

mape_odhcp6c_zone() {
	[ -n "$ZONE_MAP" ] && { echo "$ZONE_MAP"; return; }
	[ -n "$ZONE" ] && { echo "$ZONE"; return; }
	# As dhcpv6.script asks the firewall (fw4, or fw3 before it).
	fw4 -q network "$INTERFACE" 2>/dev/null ||
		fw3 -q network "$INTERFACE" 2>/dev/null
}

mape_odhcp6c_remove() {
	ubus call "network.interface.$1" remove >/dev/null 2>&1
}

mape_odhcp6c_log() {
	logger -t mape -p daemon.err "$1" 2>/dev/null
	echo "mape: $1" >&2
}

mape_odhcp6c() {
	local state="$2"
	local name="$IFACE_MAP"
	local prefix prefsig="" zone rule="$MAPE" maptype=""

	[ -n "$INTERFACE" ] || return 0
	# iface_map 0, or the ucode handler's dynamic 0: no interface.
	[ "$IFACE_MAP" = 0 ] || [ "$DYNAMIC" = 0 ] && return 0
	# With the map package installed, the stock script already made this
	# interface (proto map): two owners would replace each other's
	# interface at every renewal. The packages conflict; be safe anyway.
	[ -f /lib/netifd/proto/map.sh ] && return 0
	[ -z "$name" ] || [ "$name" = 1 ] && name="${INTERFACE}_4"

	case "$state" in
	bound|informed|updated|rebound) ;;
	ra-updated)
		[ -n "$ADDRESSES$RA_ADDRESSES$PREFIXES$USERPREFIX" ] || return 0
		;;
	stopped|unbound)
		mape_odhcp6c_remove "$name"
		return 0
		;;
	*) return 0 ;;
	esac
	if [ -n "$MAPE" ] && [ -n "$MAPT" ]; then
		mape_odhcp6c_log "$INTERFACE: the server sent both option 94 (MAP-E) and 95 (MAP-T): request only the one to use (reqopts)"
		mape_odhcp6c_remove "$name"
		return 0
	fi
	if [ -n "$MAPT" ]; then
		rule="$MAPT"
		maptype=map-t
	fi
	if [ -z "$rule" ]; then
		mape_odhcp6c_remove "$name"
		return 0
	fi

	# The prefixes, as the stock script's _prefsig: a renumbering changes
	# this declared option, and netifd sets the interface up again.
	for prefix in $PREFIXES; do
		prefsig="$prefsig ${prefix%%,*}"
	done
	zone="$(mape_odhcp6c_zone)"

	command -v json_init >/dev/null 2>&1 || . /usr/share/libubox/jshn.sh
	json_init
	json_add_string name "$name"
	json_add_string ifname "@$INTERFACE"
	json_add_string proto mape
	[ -n "$maptype" ] && json_add_string maptype "$maptype"
	json_add_string rule "$rule"
	json_add_string tunlink "$INTERFACE"
	json_add_string _prefsig "$prefsig"
	[ -n "$zone" ] && json_add_string zone "$zone"
	[ -n "$ENCAPLIMIT_MAP" ] && json_add_string encaplimit "$ENCAPLIMIT_MAP"
	[ -n "$IFACE_MAP_DELEGATE" ] &&
		json_add_boolean delegate "$IFACE_MAP_DELEGATE"
	ubus call network add_dynamic "$(json_dump)"
}

mape_odhcp6c "$@"
