# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2154,SC2317
#
# Stand-in for netifd's scripts/netifd-proto.sh and the utils.sh it sources
# (sourced by a proto handler as ../netifd-proto.sh), written from netifd's
# documented behaviour for mape's selftests. Runs under busybox ash and
# bash. It gives a handler the same shell API and sends netifd the same
# JSON over `ubus call network.interface notify_proto`:
#
#   init_proto "$@"          proto=$1 cmd=$2; for dump, add_protocol NAME
#                            prints the handler's declaration; for setup,
#                            teardown, renew, restart, add_protocol NAME
#                            runs proto_NAME_<cmd> INTERFACE IFNAME after
#                            json_load of the config ($4)
#   proto_config_add_*       [ "name", type ] in "config" (string 3, int 5,
#                            bool 7, array 1)
#   proto_init_update IFNAME UP [EXTERNAL] ... proto_send_update IFACE
#                            action 0 (addresses, routes, prefixes, dns,
#                            tunnel/data objects)
#   proto_run_command, proto_kill_command, proto_notify_error,
#   proto_block_restart, proto_set_available, proto_add_host_dependency,
#   proto_setup_failed       actions 1 to 7
#
# The jshn functions come from $MAPE_OWRT_DIR/jshn.sh (the stand-in's
# directory); the `ubus` and `jshn` commands are found in PATH.

# shellcheck disable=SC1091 # selftests/openwrt/jshn.sh
. "${MAPE_OWRT_DIR:?}/jshn.sh"

N="
"

# utils.sh
append()	# VAR VALUE [SEP]: VAR = VAR SEP VALUE (no leading SEP), exported
{
	local __sep="${3:- }"
	eval "export -- \"$1=\${$1:+\${$1}\${2:+\$__sep}}\$2\""
}

add_default_handler()	# FUNC: define FUNC as a no-op unless it exists
{
	case "$(type "$1" 2>/dev/null)" in
	*function*) ;;
	*) eval "$1() { return; }" ;;
	esac
}

__config_add()	# TYPE NAME...: [ NAME, TYPE ] entries of "config"
{
	local __t=$1 __n
	shift
	for __n in "$@"; do
		json_add_array ""
		json_add_string "" "$__n"
		json_add_int "" "$__t"
		json_close_array
	done
}
config_add_string() { __config_add 3 "$@"; }
config_add_int() { __config_add 5 "$@"; }
config_add_boolean() { __config_add 7 "$@"; }
config_add_array() { __config_add 1 "$@"; }

proto_config_add_string() { config_add_string "$@"; }
proto_config_add_int() { config_add_int "$@"; }
proto_config_add_boolean() { config_add_boolean "$@"; }
proto_config_add_array() { config_add_array "$@"; }

proto_config_add_defaults()
{
	proto_config_add_boolean defaultroute peerdns renew
	proto_config_add_int metric
}

proto_add_dynamic_defaults()
{
	[ -n "$defaultroute" ] && json_add_boolean defaultroute "$defaultroute"
	[ -n "$peerdns" ] && json_add_boolean peerdns "$peerdns"
	[ -n "$metric" ] && json_add_int metric "$metric"
}

# Accumulators of an update: space-separated items, fields split by '/'.
proto_init_update()	# IFNAME UP [EXTERNAL]
{
	PROTO_KEEP=0
	PROTO_INIT=1
	PROTO_IPADDR=''
	PROTO_IP6ADDR=''
	PROTO_ROUTE=''
	PROTO_ROUTE6=''
	PROTO_PREFIX6=''
	PROTO_DNS=''
	PROTO_DNS_SEARCH=''
	PROTO_NEIGHBOR=''
	PROTO_NEIGHBOR6=''
	PROTO_NESTED_OPEN=''
	PROTO_TUNNEL_OPEN=
	json_init
	json_add_int action 0
	case $1 in
	""|"*") ;;
	*) json_add_string ifname "$1" ;;
	esac
	json_add_boolean link-up "$2"
	[ -n "$3" ] && json_add_boolean address-external "$3"
}

proto_set_keep() { PROTO_KEEP=$1; }

proto_add_nested() { PROTO_NESTED_OPEN=1; json_add_object "$1"; }
proto_close_nested()
{
	[ -n "$PROTO_NESTED_OPEN" ] && json_close_object
	PROTO_NESTED_OPEN=
}
proto_add_tunnel() { proto_add_nested tunnel; }
proto_close_tunnel() { proto_close_nested; }
proto_add_data() { proto_add_nested data; }
proto_close_data() { proto_close_nested; }

proto_add_dns_server() { append PROTO_DNS "$1"; }
proto_add_dns_search() { append PROTO_DNS_SEARCH "$1"; }
# ADDR MASK BROADCAST PTP
proto_add_ipv4_address() { append PROTO_IPADDR "$1/$2/$3/$4"; }
# ADDR MASK PREFERRED VALID OFFLINK CLASS
proto_add_ipv6_address() { append PROTO_IP6ADDR "$1/$2/$3/$4/$5/$6"; }
# ADDR MAC PROXY / ADDR MAC PROXY ROUTER
proto_add_ipv4_neighbor() { append PROTO_NEIGHBOR "$1/$2/$3"; }
proto_add_ipv6_neighbor() { append PROTO_NEIGHBOR6 "$1/$2/$3/$4"; }
# TARGET MASK GW SOURCE METRIC (note: source before metric), stored in
# the field order of IPv6 routes: target/mask/gw/metric/valid/table/source
proto_add_ipv4_route() { append PROTO_ROUTE "$1/$2/$3/$5///$4"; }
# TARGET MASK GW METRIC VALID SOURCE TABLE
proto_add_ipv6_route() { append PROTO_ROUTE6 "$1/$2/$3/$4/$5/$7/$6"; }
proto_add_ipv6_prefix()	# PREFIX [VALID [PREFERRED]]
{
	if [ -n "$2" ]; then
		append PROTO_PREFIX6 "$1,$2,${3:-$2}"
	else
		append PROTO_PREFIX6 "$1"
	fi
}

# __field VAR STR N [rest]: VAR = the N-th '/'-separated field of STR
# (from 1), or with "rest" everything from it on (a source prefix or a
# ptp address keeps its own '/').
__field()
{
	local __s=$2 __i=1
	while [ "$__i" -lt "$3" ]; do
		case $__s in
		*/*) __s=${__s#*/} ;;
		*) __s= ;;
		esac
		__i=$((__i + 1))
	done
	[ -n "$4" ] || __s=${__s%%/*}
	eval "$1=\"\$__s\""
}

__push_ipv4_addr()
{
	local a m b p
	__field a "$1" 1; __field m "$1" 2; __field b "$1" 3; __field p "$1" 4 rest
	json_add_object ""
	json_add_string ipaddr "$a"
	[ -n "$m" ] && json_add_string mask "$m"
	[ -n "$b" ] && json_add_string broadcast "$b"
	[ -n "$p" ] && json_add_string ptp "$p"
	json_close_object
}

__push_ipv6_addr()
{
	local a m p v o c
	__field a "$1" 1; __field m "$1" 2; __field p "$1" 3
	__field v "$1" 4; __field o "$1" 5; __field c "$1" 6
	json_add_object ""
	json_add_string ipaddr "$a"
	[ -n "$m" ] && json_add_string mask "$m"
	[ -n "$p" ] && json_add_int preferred "$p"
	[ -n "$v" ] && json_add_int valid "$v"
	[ -n "$o" ] && json_add_boolean offlink "$o"
	[ -n "$c" ] && json_add_string class "$c"
	json_close_object
}

__push_route()
{
	local t m g me v tb s
	__field t "$1" 1; __field m "$1" 2; __field g "$1" 3; __field me "$1" 4
	__field v "$1" 5; __field tb "$1" 6; __field s "$1" 7 rest
	json_add_object ""
	json_add_string target "$t"
	json_add_string netmask "$m"
	[ -n "$g" ] && json_add_string gateway "$g"
	[ -n "$me" ] && json_add_int metric "$me"
	[ -n "$v" ] && json_add_int valid "$v"
	[ -n "$s" ] && json_add_string source "$s"
	[ -n "$tb" ] && json_add_string table "$tb"
	json_close_object
}

__push_neighbor()
{
	local a m p r
	__field a "$1" 1; __field m "$1" 2; __field p "$1" 3; __field r "$1" 4
	json_add_object ""
	json_add_string ipaddr "$a"
	[ -n "$m" ] && json_add_string mac "$m"
	[ -n "$p" ] && json_add_boolean proxy "$p"
	[ -n "$r" ] && json_add_boolean router "$r"
	json_close_object
}

__push_string() { json_add_string "" "$1"; }

__push_array()	# NAME ITEMS PUSHER: the array NAME, if there are items
{
	local __i
	[ -n "$2" ] || return 0
	json_add_array "$1"
	for __i in $2; do
		"$3" "$__i"
	done
	json_close_array
}

__notify()	# IFACE [UBUS-OPTION]
{
	json_add_string interface "$1"
	# shellcheck disable=SC2086 # the option is a word or nothing
	ubus $2 call network.interface notify_proto "$(json_dump)"
}

proto_send_update()	# IFACE
{
	proto_close_nested
	json_add_boolean keep "$PROTO_KEEP"
	__push_array ipaddr "$PROTO_IPADDR" __push_ipv4_addr
	__push_array ip6addr "$PROTO_IP6ADDR" __push_ipv6_addr
	__push_array routes "$PROTO_ROUTE" __push_route
	__push_array routes6 "$PROTO_ROUTE6" __push_route
	__push_array ip6prefix "$PROTO_PREFIX6" __push_string
	__push_array dns "$PROTO_DNS" __push_string
	__push_array dns_search "$PROTO_DNS_SEARCH" __push_string
	__push_array neighbor "$PROTO_NEIGHBOR" __push_neighbor
	__push_array neighbor6 "$PROTO_NEIGHBOR6" __push_neighbor
	__notify "$1"
}

# proto_export VAR=VALUE: an environment entry of the next proto_run_command.
proto_export()
{
	local __v="VAR${_EXPORT_VAR:-0}"
	_EXPORT_VAR=$((${_EXPORT_VAR:-0} + 1))
	export -- "$__v=$1"
	append _EXPORT_VARS "$__v"
}

proto_run_command()	# IFACE CMD ARGS...
{
	local __if=$1 __v
	shift
	json_init
	json_add_int action 1
	json_add_array command
	for __v in "$@"; do
		json_add_string "" "$__v"
	done
	json_close_array
	if [ -n "$_EXPORT_VARS" ]; then
		json_add_array env
		for __v in $_EXPORT_VARS; do
			eval "json_add_string \"\" \"\${$__v}\""
		done
		json_close_array
	fi
	__notify "$__if"
}

proto_kill_command()	# IFACE [SIGNAL]
{
	json_init
	json_add_int action 2
	[ -n "$2" ] && json_add_int signal "$2"
	__notify "$1"
}

proto_notify_error()	# IFACE CODE [ARG...]
{
	local __if=$1 __v
	shift
	json_init
	json_add_int action 3
	json_add_array error
	for __v in "$@"; do
		json_add_string "" "$__v"
	done
	json_close_array
	__notify "$__if"
}

proto_block_restart()	# IFACE
{
	json_init
	json_add_int action 4
	__notify "$1"
}

proto_set_available()	# IFACE 0|1
{
	json_init
	json_add_int action 5
	json_add_boolean available "$2"
	__notify "$1"
}

# IFACE HOST [IFNAME]; netifd's version runs in a subshell of its own so
# that it leaves the caller's JSON alone; handlers call it in one too.
proto_add_host_dependency()
{
	(
		json_init
		json_add_int action 6
		json_add_string host "$2"
		[ -n "$3" ] && json_add_string ifname "$3"
		__notify "$1" -S
	)
}

proto_setup_failed()	# IFACE
{
	json_init
	json_add_int action 7
	__notify "$1"
}

# Running a command: the config JSON is loaded, then proto_NAME_CMD gets
# the logical interface name and the l3 device (often empty).
__proto_run()	# PROTO
{
	json_load "$data"
	case $cmd in
	setup) _EXPORT_VAR=0; _EXPORT_VARS= ;;
	esac
	"proto_$1_$cmd" "$interface" "$ifname"
}

init_proto()
{
	proto=$1
	cmd=$2
	case $cmd in
	dump)
		add_protocol()
		{
			no_device=0
			no_device_config=0
			no_proto_task=0
			available=0
			renew_handler=0
			restart_handler=0
			teardown_on_l3_link_down=0
			case "$(type "proto_$1_restart" 2>/dev/null)" in
			*function*) restart_handler=1 ;;
			esac
			add_default_handler "proto_$1_init_config"

			json_init
			json_add_string name "$1"
			json_add_array config
			"proto_$1_init_config"
			json_close_array
			json_add_boolean no-device "$no_device"
			json_add_boolean no-device-config "$no_device_config"
			json_add_boolean no-proto-task "$no_proto_task"
			json_add_boolean available "$available"
			json_add_boolean renew-handler "$renew_handler"
			json_add_boolean restart-handler "$restart_handler"
			json_add_boolean lasterror "$lasterror"
			json_add_boolean teardown-on-l3-link-down "$teardown_on_l3_link_down"
			json_dump
		}
		;;
	setup|teardown|renew|restart)
		interface=$3
		data=$4
		ifname=$5
		add_protocol()
		{
			[ "$proto" = "$1" ] || return 0
			__proto_run "$1"
		}
		;;
	esac
}
