#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# netifd protocol handler "mape": a MAP-E CE (RFC 7597) or a MAP-T CE
# (RFC 7599) on the kernel's mape device, NAPT44 into the CE's port set
# done by the kernel (mape_nat).
#
# It takes the options of the map package's handler (map.sh) with their
# meanings, so that "proto map" configuration works with the proto changed
# to mape: peeraddr (the BR; with map-t the DMR, PREFIX/LEN),
# ipaddr/ip4prefixlen, ip6prefix/ip6prefixlen, ealen, psidlen, psid
# (left-aligned, as map.sh and odhcp6c have it), offset, legacymap,
# tunlink, mtu (default 1280), ttl, encaplimit, zone ('-' for none),
# maptype (map-e, the default, or map-t; map.sh's older name type too), or
# rule: odhcp6c's MAPE or MAPT string (rules separated by blanks; "fmr,"
# rules become FMRs). Its own: napt (default 1: the kernel translates into
# the port set).
#
# The handler only gathers and passes on: `mapctl ce up` picks the BMR for
# the prefix delegated on tunlink, computes the CE's addresses and ports,
# and creates mape-<section> (mode t for map-t); netifd gets the addresses
# and the default route, and for map-t, whose device receives by route at
# no address of its own, the route into it (what mapctl show calls its
# needs). map-t also turns IPv6 forwarding on, without which the kernel
# routes nothing into the device (OpenWrt has it on already). The firewall
# gets no SNAT rules: the kernel keeps ports in the set.
#
# Errors (proto_notify_error codes, each with proto_block_restart and no
# device left behind):
#   UNSUPPORTED_TYPE   maptype (or type) other than map-e and map-t
#   MISSING_PD         tunlink (or, without tunlink, every interface) has no
#                      delegated IPv6 prefix
#   INVALID_MAP_RULE   a bad rule string or option (mapctl exit status 2)
#   NO_MATCHING_PD     no rule covers a delegated prefix (exit status 3)
#   MAPE_SETUP_FAILED  anything else: mapctl or the kernel refused, or
#                      netifd refused the update
#
# shellcheck shell=dash disable=SC1091,SC2034
# (busybox ash has local, as dash does; ../netifd-proto.sh is netifd's and
# reads no_device and available)

[ -n "$INCLUDE_ONLY" ] || {
	. ../netifd-proto.sh
	init_proto "$@"
}

proto_mape_init_config() {
	no_device=1
	available=1

	proto_config_add_string "rule"
	proto_config_add_string "maptype"
	proto_config_add_string "peeraddr"
	proto_config_add_string "ipaddr"
	proto_config_add_int "ip4prefixlen"
	proto_config_add_string "ip6prefix"
	proto_config_add_int "ip6prefixlen"
	proto_config_add_int "ealen"
	proto_config_add_int "psidlen"
	proto_config_add_int "psid"
	proto_config_add_int "offset"
	proto_config_add_boolean "legacymap"
	proto_config_add_string "tunlink"
	proto_config_add_int "mtu"
	proto_config_add_int "ttl"
	proto_config_add_string "encaplimit"
	proto_config_add_string "zone"
	proto_config_add_boolean "napt"
	# The delegated prefixes at the time odhcp6c's hook added this
	# (dynamic) interface. Declared so that netifd sees a renumbered
	# prefix as a change of configuration and sets the interface up
	# again: a rule string alone stays the same across renumbering.
	proto_config_add_string "_prefsig"
}

# mape_fail CFG CODE MESSAGE: report, stop netifd's retries, leave nothing.
mape_fail() {
	echo "mape: $3" >&2
	mapctl ce down "mape-$1" >/dev/null 2>&1
	proto_notify_error "$1" "$2"
	proto_block_restart "$1"
}

# mape_prefix_lines: "pd ADDR/LEN" for each ipv6-prefix of the interface
# status loaded (json_load) and selected. netifd lists the static
# ip6prefix entries of the interface first, then the delegated ones.
mape_prefix_lines() {
	local keys k address mask

	json_select "ipv6-prefix" 2>/dev/null || return 0
	json_get_keys keys
	for k in $keys; do
		json_select "$k" || continue
		address=
		mask=
		json_get_vars address mask
		[ -n "$address" ] && [ -n "$mask" ] && echo "pd $address/$mask"
		json_select ..
	done
	json_select ..
}

# mape_tunlink_info TUNLINK: "l3 DEVICE" and the "pd" lines of TUNLINK,
# or the "pd" lines of every interface without one (map's mapcalc '*').
# Run in a subshell: it loads other JSON than the handler's config.
mape_tunlink_info() {
	local status keys k l3_device

	if [ -n "$1" ]; then
		status=$(ubus call "network.interface.$1" status 2>/dev/null) ||
			return 0
		json_load "$status" || return 0
		json_get_var l3_device l3_device
		[ -n "$l3_device" ] && echo "l3 $l3_device"
		mape_prefix_lines
		return 0
	fi
	status=$(ubus call network.interface dump 2>/dev/null) || return 0
	json_load "$status" || return 0
	json_select interface 2>/dev/null || return 0
	json_get_keys keys
	for k in $keys; do
		json_select "$k" || continue
		mape_prefix_lines
		json_select ..
	done
}

# mape_static_rule TYPE: map.sh's rule string from the options (no rule
# given): only the keys that are set, mapctl supplying the defaults.
mape_static_rule() {
	local r="type=$1"

	[ -n "$ip6prefix" ] && r="$r,ipv6prefix=$ip6prefix"
	[ -n "$ip6prefixlen" ] && r="$r,prefix6len=$ip6prefixlen"
	[ -n "$ipaddr" ] && r="$r,ipv4prefix=$ipaddr"
	[ -n "$ip4prefixlen" ] && r="$r,prefix4len=$ip4prefixlen"
	[ -n "$psid" ] && r="$r,psid=$psid"
	[ -n "$psidlen" ] && r="$r,psidlen=$psidlen"
	[ -n "$offset" ] && r="$r,offset=$offset"
	[ -n "$ealen" ] && r="$r,ealen=$ealen"
	if [ "$1" = map-t ]; then
		[ -n "$peeraddr" ] && r="$r,dmr=$peeraddr"
	else
		[ -n "$peeraddr" ] && r="$r,br=$peeraddr"
	fi
	echo "$r"
}

# mape_forwarding: IPv6 forwarding on (net.ipv6.conf.all.forwarding), or
# false.
mape_forwarding() {
	local f=/proc/sys/net/ipv6/conf/all/forwarding

	[ "$(cat "$f" 2>/dev/null)" = 1 ] && return 0
	echo 1 2>/dev/null >"$f"
}

proto_mape_setup() {
	local cfg="$1"
	local link="mape-$cfg"
	local rule maptype type peeraddr ipaddr ip4prefixlen ip6prefix
	local ip6prefixlen ealen psidlen psid offset legacymap tunlink mtu ttl
	local encaplimit zone napt
	local info word pd l3dev out rc
	local ce_ipv4 ce_ipv4_len ce_ce_ipv6 ce_mode ce_ipv6_route

	json_get_vars rule maptype type peeraddr ipaddr ip4prefixlen ip6prefix \
		ip6prefixlen ealen psidlen psid offset legacymap tunlink mtu ttl \
		encaplimit zone napt

	# Set up again whenever tunlink comes up, down with it.
	( proto_add_host_dependency "$cfg" "::" "$tunlink" )

	maptype="${maptype:-$type}"
	case "$maptype" in
	""|map-e|map-t) ;;
	*) mape_fail "$cfg" UNSUPPORTED_TYPE \
		"maptype $maptype: mape does map-e and map-t"
	   return 1 ;;
	esac
	# A rule string says its own type; given one, maptype must agree.
	case "$maptype:$rule" in
	map-t:*type=map-t*|map-e:*type=map-e*|:*|*:) ;;
	map-e:*type=map-t*)
		mape_fail "$cfg" INVALID_MAP_RULE \
			"maptype map-e, but rule holds map-t rules: ${rule%% *}"
		return 1 ;;
	map-t:*)
		mape_fail "$cfg" INVALID_MAP_RULE \
			"maptype map-t, but rule has no type=map-t: ${rule%% *}"
		return 1 ;;
	esac
	if [ -z "$rule" ]; then
		if [ "$maptype" = map-t ] && [ -n "$peeraddr" ]; then
			case "$peeraddr" in */*) ;; *)
				mape_fail "$cfg" INVALID_MAP_RULE \
					"peeraddr $peeraddr: with maptype map-t the DMR, PREFIX/LEN"
				return 1 ;;
			esac
		fi
		rule="$(mape_static_rule "${maptype:-map-e}")"
	fi

	info="$(mape_tunlink_info "$tunlink")"
	# "l3 DEV" and "pd PREFIX" pairs of words.
	# shellcheck disable=SC2086 # split into words, nothing to glob
	set -- $info
	pd=
	l3dev=
	while [ $# -ge 2 ]; do
		case "$1" in
		l3) l3dev="$2" ;;
		pd) pd="$pd $2" ;;
		esac
		shift 2
	done
	if [ -z "$pd" ]; then
		mape_fail "$cfg" MISSING_PD \
			"no delegated IPv6 prefix on ${tunlink:-any interface}"
		return 1
	fi

	set -- ce up "$link" rules "$rule"
	for word in $pd; do
		set -- "$@" end-user-prefix "$word"
	done
	[ "$legacymap" = 1 ] && set -- "$@" legacymap
	[ -n "$l3dev" ] && set -- "$@" dev "$l3dev"
	# map.sh's default; mape's own would follow the underlay's MTU.
	set -- "$@" mtu "${mtu:-1280}"
	[ -n "$ttl" ] && set -- "$@" hoplimit "$ttl"
	case "$encaplimit" in
	"") ;;
	ignore) set -- "$@" encaplimit none ;;
	*) set -- "$@" encaplimit "$encaplimit" ;;
	esac
	case "$napt" in
	0|false|off|no) set -- "$@" napt off ;;
	*) set -- "$@" napt on ;;
	esac

	out="$(mapctl "$@")"
	rc=$?
	case $rc in
	0) ;;
	2) mape_fail "$cfg" INVALID_MAP_RULE "invalid MAP rule: $rule"; return 1 ;;
	3) mape_fail "$cfg" NO_MATCHING_PD "no rule matches the prefixes$pd"
	   return 1 ;;
	*) mape_fail "$cfg" MAPE_SETUP_FAILED "mapctl ce up failed ($rc)"
	   return 1 ;;
	esac

	# mapctl prints shell assignments; take them under a ce_ prefix so
	# that none lands on an option's variable (psid, ...).
	eval "$(echo "$out" | sed -n 's/^\([a-z][a-z0-9_]*=\)/local ce_\1/p')"
	if [ -z "$ce_ipv4" ] || [ -z "$ce_ce_ipv6" ] ||
	   { [ "$ce_mode" = t ] && [ -z "$ce_ipv6_route" ]; }; then
		mape_fail "$cfg" MAPE_SETUP_FAILED "mapctl ce up printed no addresses"
		return 1
	fi
	if [ "$ce_mode" = t ] && ! mape_forwarding; then
		mape_fail "$cfg" MAPE_SETUP_FAILED \
			"map-t: cannot turn on IPv6 forwarding (net.ipv6.conf.all.forwarding)"
		return 1
	fi

	proto_init_update "$link" 1
	proto_add_ipv4_address "$ce_ipv4" "${ce_ipv4_len:-32}"
	if [ "$ce_mode" = t ]; then
		# Translated packets to an address of its own would go to
		# local sockets: MAP-T receives by route.
		proto_add_ipv6_route "${ce_ipv6_route%/*}" "${ce_ipv6_route#*/}"
	else
		proto_add_ipv6_address "$ce_ce_ipv6" 128
	fi
	proto_add_ipv4_route "0.0.0.0" 0
	if [ -n "$zone" ] && [ "$zone" != "-" ]; then
		proto_add_data
		json_add_string zone "$zone"
		proto_close_data
	fi
	if ! proto_send_update "$cfg"; then
		mape_fail "$cfg" MAPE_SETUP_FAILED "netifd refused $link"
		return 1
	fi
}

proto_mape_teardown() {
	# netifd takes the addresses and routes away; the device is ours.
	mapctl ce down "mape-$1"
}

[ -n "$INCLUDE_ONLY" ] || add_protocol mape
