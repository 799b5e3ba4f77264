#!/usr/bin/env bash
# A throwaway Slurm cluster on this one machine, for test/slurm.test.ts:
#
#   scripts/slurm-cluster.sh start [NODES]   # prints SLURM_CONF=<dir>/slurm.conf last
#   scripts/slurm-cluster.sh status DIR
#   scripts/slurm-cluster.sh stop DIR        # DIR: the folder of that slurm.conf
#
# `start` makes a folder under $TMPDIR (or /tmp) and runs, as root: munged with its own
# key and socket; slurmctld; and NODES (default 2) slurmd "nodes" node1, node2, ... Each
# node is its own network namespace, joined to the others and to slurmctld by a bridge
# with its own /24 (10.x.y.254 is the controller, 10.x.y.N node N), and its own UTS
# namespace (hostname nodeN), so MPI libraries see separate hosts and talk over TCP
# between them, as between real nodes. Each node has its own spool folder, log and pid
# file (<dir>/nodeN/). One slurm.conf serves them all, as on a real cluster (Slurm checks
# that every daemon reads the same one). No cgroups (containers lack them):
# proctrack/linuxproc, task/none, select/cons_tres; MpiDefault=none.
#
# `stop` kills everything that start started (the daemons by their pid files, then every
# process left in the nodes' namespaces: job steps), removes the namespaces and the
# bridge, and deletes the folder. When the cluster cannot start, `start` says why on
# stderr, undoes what it did and exits 1.
set -uo pipefail

PREFIX=rk # interface and namespace names: rk<id>b (bridge), rk<id>n<N>, rk<id>h<N>

die() {
  echo "slurm-cluster: $*" >&2
  exit 1
}

need_tools() {
  local missing=()
  for c in munged slurmctld slurmd srun sinfo scontrol ip unshare nsenter; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  [ ${#missing[@]} -eq 0 ] || die "cannot start: ${missing[*]} not found (scripts/install-slurm.sh installs Slurm and MUNGE)"
  [ "$(id -u)" -eq 0 ] || die "cannot start: the nodes are network namespaces, which need root (running as uid $(id -u))"
}

# Reads <dir>/state (written by start): ID, NODES, NET.
load_state() {
  local dir=$1
  [ -f "$dir/state" ] || die "no cluster state in $dir"
  # shellcheck disable=SC1091
  . "$dir/state"
}

pid_of() { [ -f "$1" ] && cat "$1" 2>/dev/null; }

# SIGTERM the pids, wait up to 10 s for them to go, then SIGKILL what is left.
end_pids() {
  local pids=() p i
  for p in "$@"; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && pids+=("$p"); done
  [ ${#pids[@]} -eq 0 ] && return 0
  kill -TERM "${pids[@]}" 2>/dev/null
  for i in $(seq 1 50); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && return 0
    sleep 0.2
  done
  kill -KILL "${pids[@]}" 2>/dev/null
  return 0
}

stop_cluster() {
  local dir=$1 n ns
  load_state "$dir"
  local pids=()
  for n in $(seq 1 "$NODES"); do pids+=("$(pid_of "$dir/node$n/slurmd.pid")"); done
  end_pids "${pids[@]}"
  # Whatever is left in a node's namespaces is a job step (slurmstepd and its tasks).
  for n in $(seq 1 "$NODES"); do
    ns=${PREFIX}${ID}n$n
    if ip netns list 2>/dev/null | grep -qw "$ns"; then
      # shellcheck disable=SC2046
      end_pids $(ip netns pids "$ns" 2>/dev/null)
      ip netns del "$ns" 2>/dev/null
    fi
  done
  end_pids "$(pid_of "$dir/ctld/slurmctld.pid")"
  end_pids "$(pid_of "$dir/munge/munged.pid")"
  ip link del "${PREFIX}${ID}b" 2>/dev/null
  rm -rf "$dir"
}

# A free /24 in 10.200.0.0-10.249.255.0 and a free TCP port for slurmctld.
pick_net() {
  local i a b
  for i in $(seq 1 50); do
    a=$((200 + RANDOM % 50)); b=$((RANDOM % 256))
    ip -4 addr show | grep -q "inet 10\.$a\.$b\." || { echo "10.$a.$b"; return 0; }
  done
  return 1
}

pick_port() {
  local i p
  for i in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
  done
  return 1
}

# The last lines of the daemons' logs, for a failed start.
logs() {
  local dir=$1 f
  for f in "$dir"/munge/munged.log "$dir"/ctld/slurmctld.log "$dir"/node*/slurmd.log "$dir"/*.out; do
    [ -s "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }
  done
}

start_cluster() {
  local nodes=${1:-2} dir n ns net port
  need_tools
  [[ "$nodes" =~ ^[0-9]+$ ]] && [ "$nodes" -ge 1 ] && [ "$nodes" -le 16 ] || die "Expected \`NODES\` to be an integer from 1 to 16, got $nodes"
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ranks-slurm.XXXXXX") || die "cannot start: mktemp failed"
  chmod 0755 "$dir"
  NODES=$nodes
  net=$(pick_net) || { rm -rf "$dir"; die "cannot start: no free 10.2xx.y.0/24 network"; }
  NET=$net
  # The cluster's id names its bridge and namespaces: claimed by creating the bridge, so
  # that two clusters (and a failed start's clean-up) never touch each other's.
  local i br err claimed=''
  for i in $(seq 1 20); do
    ID=$(printf '%04x' $((RANDOM % 65536)))
    br=${PREFIX}${ID}b
    ip netns list 2>/dev/null | grep -q "^${PREFIX}${ID}n" && continue
    if err=$(ip link add name "$br" type bridge 2>&1); then claimed=1; break; fi
    grep -qi 'exists' <<<"$err" || { rm -rf "$dir"; die "cannot start: cannot create a bridge (ip link add type bridge: $err); the nodes' network namespaces need root with CAP_NET_ADMIN"; }
  done
  [ -n "$claimed" ] || { rm -rf "$dir"; die "cannot start: no free id for the bridge and namespaces"; }
  printf 'ID=%s\nNODES=%s\nNET=%s\n' "$ID" "$NODES" "$NET" >"$dir/state"
  # From here on, a failure undoes what was done.
  fail() {
    echo "slurm-cluster: cannot start: $*" >&2
    logs "$dir" >&2
    stop_cluster "$dir"
    exit 1
  }

  # The network: a bridge with the controller's address, a namespace per node.
  ip addr add "$net.254/24" dev "$br" && ip link set "$br" up || fail "cannot configure bridge $br"
  for n in $(seq 1 "$nodes"); do
    ns=${PREFIX}${ID}n$n
    ip netns add "$ns" 2>"$dir/ip.out" || fail "ip netns add $ns: $(cat "$dir/ip.out")"
    ip link add "${PREFIX}${ID}h$n" type veth peer name eth0 netns "$ns" 2>"$dir/ip.out" || fail "veth for $ns: $(cat "$dir/ip.out")"
    ip link set "${PREFIX}${ID}h$n" master "$br" up &&
      ip -n "$ns" addr add "$net.$n/24" dev eth0 &&
      ip -n "$ns" link set eth0 up &&
      ip -n "$ns" link set lo up || fail "cannot configure $ns"
  done

  # MUNGE: its own key, socket, pid, log and seed files.
  mkdir -p "$dir/munge" "$dir/ctld"
  head -c 1024 /dev/urandom >"$dir/munge/munge.key" && chmod 0400 "$dir/munge/munge.key"
  munged --force -S "$dir/munge/munge.sock" --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" </dev/null >"$dir/munged.out" 2>&1 ||
    fail "munged did not start"

  port=$(pick_port) || fail "no free TCP port for slurmctld"
  local cpus=${RANKS_SLURM_CPUS:-4} nodelines=''
  # Each node's own hostname and address.
  for n in $(seq 1 "$nodes"); do
    nodelines+="NodeName=node$n NodeHostname=node$n NodeAddr=$net.$n CPUs=$cpus RealMemory=1000 State=UNKNOWN"$'\n'
  done
  cat >"$dir/slurm.conf" <<CONF
# Written by scripts/slurm-cluster.sh: a throwaway cluster on one machine.
ClusterName=ranks$ID
SlurmctldHost=$(hostname -s)($net.254)
SlurmctldPort=$port
SlurmdPort=6818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
StateSaveLocation=$dir/ctld
SlurmctldPidFile=$dir/ctld/slurmctld.pid
SlurmctldLogFile=$dir/ctld/slurmctld.log
SlurmdSpoolDir=$dir/%n/spool
SlurmdPidFile=$dir/%n/slurmd.pid
SlurmdLogFile=$dir/%n/slurmd.log
# Each node's own /tmp for jobs: the PMIx plugin makes its per-step folders there, and two
# nodes sharing one folder collide on their names.
TmpFS=$dir/%n/tmp
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# A job over its time limit gets SIGTERM, then SIGKILL KillWait seconds later.
KillWait=5
OverTimeLimit=0
InactiveLimit=0
MinJobAge=600
SlurmctldTimeout=60
SlurmdTimeout=120
MessageTimeout=30
${nodelines}PartitionName=ranks Nodes=node[1-$nodes] Default=YES MaxTime=INFINITE OverSubscribe=FORCE:4 State=UP
CONF

  slurmctld -c -f "$dir/slurm.conf" </dev/null >"$dir/slurmctld.out" 2>&1 || fail "slurmctld did not start"
  for n in $(seq 1 "$nodes"); do
    mkdir -p "$dir/node$n/spool" "$dir/node$n/tmp"
    # The node's own namespaces: network (its address) and UTS (its hostname). nsenter, not
    # `ip netns exec`, which mounts a fresh /sys without the cgroup folder slurmd looks at.
    nsenter --net="/run/netns/${PREFIX}${ID}n$n" unshare --uts sh -c "hostname node$n && exec slurmd -f '$dir/slurm.conf' -N node$n" \
      </dev/null >"$dir/node$n.out" 2>&1 || fail "slurmd for node$n did not start"
  done

  # Ready when every node is idle (a busy machine can take a while).
  local i state
  for i in $(seq 1 ${RANKS_SLURM_WAIT:-240}); do
    state=$(SLURM_CONF="$dir/slurm.conf" sinfo -h -N -o '%N %T' 2>/dev/null | sort -u)
    if [ "$(grep -c ' idle$' <<<"$state")" -eq "$nodes" ]; then
      echo "slurm-cluster: $nodes node(s) idle: $(tr '\n' ' ' <<<"$state")(controller $net.254:$port, folder $dir)" >&2
      echo "SLURM_CONF=$dir/slurm.conf"
      return 0
    fi
    sleep 0.5
  done
  fail "the nodes did not become idle (sinfo: ${state:-no answer})"
}

status_cluster() {
  local dir=$1
  load_state "$dir"
  SLURM_CONF="$dir/slurm.conf" scontrol ping
  SLURM_CONF="$dir/slurm.conf" sinfo -N
}

case "${1:-}" in
  start) start_cluster "${2:-2}" ;;
  stop) [ -n "${2:-}" ] || die "usage: $0 stop DIR"; stop_cluster "$2" ;;
  status) [ -n "${2:-}" ] || die "usage: $0 status DIR"; status_cluster "$2" ;;
  *) die "usage: $0 start [NODES] | status DIR | stop DIR" ;;
esac
