# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2086,SC2154
#
# Stand-in for libubox's sh/jshn.sh (sourced), written from its documented
# behaviour for mape's selftests: the functions a netifd handler calls,
# with jshn's semantics, in shell that runs under busybox ash (OpenWrt's
# /bin/sh) and bash. Like jshn, it keeps the JSON tree in exported shell
# variables, so that the jshn binary (here selftests/openwrt/jshn) can
# print it from its environment:
#
#   JSON_CUR            the open container (J_V is the root)
#   K_<c>               keys of container c, in order, space-separated
#   <c>_<key>           a value, or the id (J_T<n>, J_A<n>) of a child
#   T_<c>_<key>         its type: string int boolean double null object array
#   N_<c>_<key>         the original key when <key> had to be mangled
#   S_<c>               element counter of array c (keys are 1, 2, ...)
#   U_<c>               the parent of container c
#
# Keys are mangled as jshn mangles them, every character outside
# [A-Za-z0-9_] becoming '_', by the adders and by json_get_var alike, so
# json_get_var x ipv6-prefix finds what json_load stored as ipv6_prefix.
# All names take $JSON_PREFIX in front (json_set_namespace).

__jm()	# __jm VAR KEY: VAR = KEY mangled
{
	eval "$1=\"\${2//[^a-zA-Z0-9_]/_}\""
}

__jget()	# __jget VAR NAME: VAR = ${JSON_PREFIX}NAME
{
	eval "$1=\"\${${JSON_PREFIX}$2}\""
}

__jset()	# __jset NAME VALUE: export ${JSON_PREFIX}NAME=VALUE
{
	export -- "${JSON_PREFIX}$1=$2"
}

__jappend()	# __jappend NAME WORD: append WORD to the list NAME
{
	local __l
	__jget __l "$1"
	__jset "$1" "${__l:+$__l }$2"
}

# __jadd TYPE NAME VALUE: a value in the open container. Inside an array
# the name is ignored: elements are numbered from 1.
__jadd()
{
	local __cur __k __n
	__jget __cur JSON_CUR
	case $__cur in
	J_A*)
		__jget __n "S_$__cur"
		__k=$((${__n:-0} + 1))
		__jset "S_$__cur" "$__k"
		;;
	*)
		__jm __k "$2"
		[ "$__k" = "$2" ] || __jset "N_${__cur}_$__k" "$2"
		;;
	esac
	__jset "${__cur}_$__k" "$3"
	__jset "T_${__cur}_$__k" "$1"
	__jappend K_$__cur "$__k"
	__jappend JSON_UNSET "${__cur}_$__k"
}

# __jtable NAME object|array: open a child container and enter it.
__jtable()
{
	local __cur __seq __id
	__jget __cur JSON_CUR
	__jget __seq JSON_SEQ
	__seq=$((${__seq:-0} + 1))
	__jset JSON_SEQ "$__seq"
	case $2 in
	array) __id=J_A$__seq ;;
	*) __id=J_T$__seq ;;
	esac
	__jadd "$2" "$1" "$__id"
	__jset "U_$__id" "$__cur"
	__jset "K_$__id" ""
	unset "${JSON_PREFIX}S_$__id"
	__jappend JSON_UNSET "$__id"
	__jset JSON_CUR "$__id"
}

json_set_namespace()	# NEW [VAR]: switch prefix, old one into VAR
{
	[ -n "$2" ] && eval "$2=\"\$JSON_PREFIX\""
	JSON_PREFIX=$1
}

json_cleanup()
{
	local __u __v
	__jget __u JSON_UNSET
	for __v in $__u J_V; do
		unset "${JSON_PREFIX}$__v" "${JSON_PREFIX}T_$__v" \
			"${JSON_PREFIX}N_$__v" "${JSON_PREFIX}K_$__v" \
			"${JSON_PREFIX}S_$__v" "${JSON_PREFIX}U_$__v"
	done
	unset "${JSON_PREFIX}JSON_UNSET" "${JSON_PREFIX}JSON_SEQ" \
		"${JSON_PREFIX}JSON_CUR"
}

json_init()
{
	json_cleanup
	__jset JSON_SEQ 0
	__jset JSON_CUR J_V
	__jset K_J_V ""
}

json_add_string() { __jadd string "$1" "$2"; }
json_add_int() { __jadd int "$1" "$2"; }
json_add_boolean() { __jadd boolean "$1" "$2"; }
json_add_double() { __jadd double "$1" "$2"; }
json_add_null() { __jadd null "$1" ""; }
json_add_object() { __jtable "$1" object; }
json_add_array() { __jtable "$1" array; }

# json_push_TYPE VALUE: an element of the open array.
__jpush()
{
	local __cur
	__jget __cur JSON_CUR
	case $__cur in
	J_A*) __jadd "$1" "" "$2" ;;
	*) echo "WARNING: Not in an array" >&2; return 1 ;;
	esac
}
json_push_string() { __jpush string "$1"; }
json_push_int() { __jpush int "$1"; }
json_push_boolean() { __jpush boolean "$1"; }

__jclose()
{
	local __cur __up
	__jget __cur JSON_CUR
	__jget __up "U_$__cur"
	__jset JSON_CUR "${__up:-J_V}"
}
json_close_object() { __jclose; }
json_close_array() { __jclose; }

json_load()
{
	local __cmds
	__cmds=$(jshn ${JSON_PREFIX:+-p "$JSON_PREFIX"} -r "$1") || return 1
	eval "$__cmds"
}

json_load_file()
{
	local __cmds
	__cmds=$(jshn ${JSON_PREFIX:+-p "$JSON_PREFIX"} -R "$1") || return 1
	eval "$__cmds"
}

# json_dump [-i]: the JSON, as `jshn -w` prints it. Compact output is
# built here in the shell: under QEMU each jq costs half a second, and a
# handler dumps once per notification. ./jshn -w does the same (and -i).
json_dump()
{
	local __JOUT=''
	if [ "$1" = -i ] || [ -n "$JSON_INDENT" ]; then
		jshn ${JSON_PREFIX:+-p "$JSON_PREFIX"} \
			${JSON_NONEWLINE:+-n} -i -w
		return
	fi
	__jwalk J_V ''
	if [ -n "$JSON_NONEWLINE" ]; then
		printf '%s' "$__JOUT"
	else
		printf '%s\n' "$__JOUT"
	fi
}

__JNL='
'
__JTAB='	'
__JCR=$(printf '\r')

__jout_str()	# STRING: append it as a JSON string, escaped as json-c does
{
	local __s=$1
	__s=${__s//\\/\\\\}
	__s=${__s//\"/\\\"}
	__s=${__s//\//\\/}
	__s=${__s//$__JNL/\\n}
	__s=${__s//$__JTAB/\\t}
	__s=${__s//$__JCR/\\r}
	__JOUT="$__JOUT\"$__s\""
}

__jout_num()	# VALUE [bool]: atoll(VALUE), or !!atoi(VALUE) with bool
{
	local __v=$1 __sign=''
	while :; do
		case $__v in
		[" $__JTAB$__JNL"]*) __v=${__v#?} ;;
		*) break ;;
		esac
	done
	case $__v in
	-*) __sign=-; __v=${__v#-} ;;
	+*) __v=${__v#+} ;;
	esac
	__v=${__v%%[!0-9]*}
	while :; do
		case $__v in
		0?*) __v=${__v#0} ;;
		*) break ;;
		esac
	done
	[ -n "$__v" ] || __v=0
	[ "$__v" = 0 ] && __sign=''
	if [ -n "$2" ]; then
		[ "$__v" = 0 ] && __JOUT="${__JOUT}false" || __JOUT="${__JOUT}true"
	else
		__JOUT="$__JOUT$__sign$__v"
	fi
}

__jwalk()	# CONTAINER: append it, and what it holds, to __JOUT
{
	local __t=$1 __keys __k __v __ty __n __set __first=1 __o='{' __c='}'
	case $__t in
	J_A*) __o='['; __c=']' ;;
	esac
	__JOUT="$__JOUT$__o"
	__jget __keys "K_$__t"
	for __k in $__keys; do
		eval "__set=\${${JSON_PREFIX}${__t}_$__k+1}"
		__jget __ty "T_${__t}_$__k"
		if [ -z "$__set" ] || [ -z "$__ty" ]; then
			continue
		fi
		__jget __v "${__t}_$__k"
		[ -n "$__first" ] && __JOUT="$__JOUT " || __JOUT="$__JOUT, "
		__first=''
		case $__t in
		J_A*) ;;
		*)
			__jget __n "N_${__t}_$__k"
			__jout_str "${__n:-$__k}"
			__JOUT="$__JOUT: "
			;;
		esac
		case $__ty in
		string) __jout_str "$__v" ;;
		int|double) __jout_num "$__v" ;;
		boolean) __jout_num "$__v" bool ;;
		null) __JOUT="${__JOUT}null" ;;
		object|array) __jwalk "$__v" ;;
		esac
	done
	__JOUT="$__JOUT $__c"
}

# json_get_var DEST KEY [DEFAULT]: DEST = the value of KEY in the open
# container, DEFAULT when it is unset or empty; exported, as jshn does.
# Succeeds when KEY exists or a default was given.
json_get_var()
{
	local __cur __k __set
	__jget __cur JSON_CUR
	__jm __k "$2"
	eval "__set=\${${JSON_PREFIX}${__cur}_$__k+1}"
	eval "export -- \"$1=\${${JSON_PREFIX}${__cur}_$__k:-\$3}\""
	[ -n "$__set" ] || [ $# -ge 3 ]
}

# json_get_vars NAME[:DEFAULT]...
json_get_vars()
{
	local __a
	for __a in "$@"; do
		case $__a in
		*:*) json_get_var "${__a%%:*}" "${__a%%:*}" "${__a#*:}" ;;
		*) json_get_var "$__a" "$__a" ;;
		esac
	done
}

json_get_type()	# DEST KEY
{
	local __cur __k __set
	__jget __cur JSON_CUR
	__jm __k "$2"
	eval "__set=\${${JSON_PREFIX}T_${__cur}_$__k+1}"
	eval "export -- \"$1=\${${JSON_PREFIX}T_${__cur}_$__k}\""
	[ -n "$__set" ]
}

json_is_a()	# KEY TYPE
{
	local __t
	json_get_type __t "$1" && [ "$__t" = "$2" ]
}

# json_get_keys DEST [KEY]: the keys of the open container, or of its
# container KEY (1 2 3... for an array).
json_get_keys()
{
	local __t
	if [ -n "$2" ]; then
		json_get_var __t "$2" || return 1
	else
		__jget __t JSON_CUR
	fi
	eval "export -- \"$1=\${${JSON_PREFIX}K_$__t}\""
}

# json_get_values DEST [KEY]: every value of the open container (or of
# KEY), joined by single spaces, so an element holding a space cannot be
# told from two elements.
json_get_values()
{
	local __dest=$1 __keys __k __v __all='' __sel=''
	if [ -n "$2" ]; then
		json_select "$2" 2>/dev/null || return 1
		__sel=1
	fi
	json_get_keys __keys
	for __k in $__keys; do
		json_get_var __v "$__k"
		__all="${__all:+$__all${__v:+ }}$__v"
	done
	[ -n "$__sel" ] && json_select ..
	export -- "$__dest=$__all"
}

# json_select [KEY|..]: enter the container KEY, go up, or (no argument)
# back to the root.
json_select()
{
	local __cur __t __id
	if [ -z "$1" ]; then
		__jset JSON_CUR J_V
		return 0
	fi
	if [ "$1" = .. ]; then
		__jget __cur JSON_CUR
		__jget __id "U_$__cur"
		__jset JSON_CUR "${__id:-J_V}"
		return 0
	fi
	json_get_type __t "$1"
	case $__t in
	object|array)
		json_get_var __id "$1"
		__jset JSON_CUR "$__id"
		;;
	*)
		echo "WARNING: Variable '$1' does not exist or is not an array/object" >&2
		return 1
		;;
	esac
}

# json_for_each_item FUNC KEY ARGS...: FUNC VALUE KEY ARGS... for each
# element of the container KEY.
json_for_each_item()
{
	local __f=$1 __c=$2 __keys __k __v
	shift 2
	json_select "$__c" || return 1
	json_get_keys __keys
	for __k in $__keys; do
		json_get_var __v "$__k"
		"$__f" "$__v" "$__k" "$@"
	done
	json_select ..
}
