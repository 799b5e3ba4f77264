/**
 * Open MPI 4.1's default one-sided component (osc/rdma) segfaults in an 8-byte
 * MPI_Compare_and_swap, mpi4py's too (see the README): Open MPI window jobs take osc sm,pt2pt.
 */
export const OMPI_OSC: NodeJS.ProcessEnv = { OMPI_MCA_osc: 'sm,pt2pt' };
