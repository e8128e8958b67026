# Shared by the tests that write an HPL.dat (sourced after tests/lib/tap.sh). One writer with
# netlib's layout (line for line as the HPL 2.3 distribution's example), so a test states only the
# values it cares about.
#
#   hpl_dat_text [KEY=VALUE...]   prints the file; KEY is one of
#     title (line 2), outfile, device, ns, nbs, pmap, ps, qs, threshold, pfacts, nbmins, ndivs,
#     rfacts, bcasts, depths, swap, swap_threshold, l1, u, equil, align
#   Lists (ns, nbs, ps, qs, pfacts, ...) are space-separated; their count lines are written from
#   them. Defaults: N 1000, NB 64, a 1 x 1 grid, HPL's example algorithm.
hpl_dat_text() {
    local title="Innovative Computing Laboratory, University of Tennessee" outfile=HPL.out device=6
    local ns=1000 nbs=64 pmap=0 ps=1 qs=1 threshold=16.0 pfacts=2 nbmins=4 ndivs=2 rfacts=2
    local bcasts=1 depths=1 swap=1 swap_threshold=64 l1=1 u=1 equil=0 align=8 kv
    for kv in "$@"; do
        case "${kv%%=*}" in
        title|outfile|device|ns|nbs|pmap|ps|qs|threshold|pfacts|nbmins|ndivs|rfacts|bcasts|depths|swap|swap_threshold|l1|u|equil|align)
            local "${kv%%=*}=${kv#*=}" ;;
        *) echo "hpl_dat_text: unknown key '${kv%%=*}'" >&2; return 2 ;;
        esac
    done
    _hpl_dat_count() { set -- $1; echo $#; }
    cat <<DAT
HPLinpack benchmark input file
$title
$outfile      output file name (if any)
$device            device out (6=stdout,7=stderr,file)
$(_hpl_dat_count "$ns")            # of problems sizes (N)
$ns        Ns
$(_hpl_dat_count "$nbs")            # of NBs
$nbs           NBs
$pmap            PMAP process mapping (0=Row-,1=Column-major)
$(_hpl_dat_count "$ps")            # of process grids (P x Q)
$ps           Ps
$qs           Qs
$threshold         threshold
$(_hpl_dat_count "$pfacts")            # of panel fact
$pfacts            PFACTs (0=left, 1=Crout, 2=Right)
$(_hpl_dat_count "$nbmins")            # of recursive stopping criterium
$nbmins            NBMINs (>= 1)
$(_hpl_dat_count "$ndivs")            # of panels in recursion
$ndivs            NDIVs
$(_hpl_dat_count "$rfacts")            # of recursive panel fact.
$rfacts            RFACTs (0=left, 1=Crout, 2=Right)
$(_hpl_dat_count "$bcasts")            # of broadcast
$bcasts            BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)
$(_hpl_dat_count "$depths")            # of lookahead depth
$depths            DEPTHs (>=0)
$swap            SWAP (0=bin-exch,1=long,2=mix)
$swap_threshold           swapping threshold
$l1            L1 in (0=transposed,1=no-transposed) form
$u            U  in (0=transposed,1=no-transposed) form
$equil            Equilibration (0=no,1=yes)
$align            memory alignment in double (> 0)
DAT
}
