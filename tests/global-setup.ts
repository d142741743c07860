/** Says plainly, once per run, whether the MongoDB leg of the contract suites runs. */
export default function setup() {
  if (process.env.MONGODB_URI) {
    console.log('\nMongoDB leg of the contract suites: RUNNING against MONGODB_URI.\n');
  } else {
    console.log('\nMongoDB leg of the contract suites: SKIPPED — MONGODB_URI is not set (run `npm run test:mongo`, see README). The embedded leg runs.\n');
  }
}
